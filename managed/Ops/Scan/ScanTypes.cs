using Gradient.Graph;

namespace Gradient.Ops.Scan;

/// <summary>
/// A sequence the loop iterates over (Aesara's <c>dict(input=x, taps=[...])</c>): step t reads <c>input[t + k]</c>
/// for each tap k (counted so that the smallest tap reads row 0 at step 0). Taps default to <c>[0]</c>.
/// </summary>
/// <param name="Input">The sequence; its first axis is time.</param>
/// <param name="Taps">The taps, in the order the step function receives them.</param>
public sealed record ScanSequence(Variable Input, IReadOnlyList<int>? Taps = null)
{
    /// <summary>A sequence read at tap 0.</summary>
    public static implicit operator ScanSequence(Variable input) => new(input, null);
}

/// <summary>
/// How an output is fed back (Aesara's <c>outputs_info</c> entry): <see cref="Initial"/> null for an output that is
/// not fed back (a map); otherwise its initial state and the (negative) taps the step function reads. With the default
/// taps <c>[-1]</c> the initial state is shaped like one step; with others it has <c>max(-taps)</c> rows, row 0 being
/// the oldest.
/// </summary>
/// <param name="Initial">The initial state, or null.</param>
/// <param name="Taps">The taps (negative, distinct), in the order the step function receives them.</param>
public sealed record ScanOutputInfo(Variable? Initial, IReadOnlyList<int>? Taps = null)
{
    /// <summary>An output fed back at tap -1 from <paramref name="initial"/>.</summary>
    public static implicit operator ScanOutputInfo(Variable initial) => new(initial, null);

    /// <summary>An output that is not fed back.</summary>
    public static ScanOutputInfo None { get; } = new((Variable?)null);
}

/// <summary>What one step returns: its outputs, new values for shared variables, and for a while loop the condition.</summary>
/// <param name="Outputs">One value per output, in the order of <c>outputsInfo</c>.</param>
/// <param name="Updates">New values of shared variables after the step (Aesara's updates returned by <c>fn</c>).</param>
/// <param name="Until">A scalar that stops the loop after the step where it is true (Aesara's <c>until</c>), or null.</param>
public sealed record ScanStep(IReadOnlyList<Variable> Outputs,
    IReadOnlyList<KeyValuePair<SharedVariable, Variable>>? Updates = null, Variable? Until = null)
{
    /// <summary>A step that returns these outputs.</summary>
    public static implicit operator ScanStep(Variable[] outputs) => new((IReadOnlyList<Variable>)outputs, null, null);

    /// <summary>A step that returns one output.</summary>
    public static implicit operator ScanStep(Variable output) => new((IReadOnlyList<Variable>)[output], null, null);
}

/// <summary>
/// What a loop gives (Aesara's <c>(outputs, updates)</c>): each output over all steps (<c>(n_steps, ...)</c>, without
/// the initial rows), and the final value of every shared variable the step updates, to pass to
/// <see cref="Compile.CompileOptions.Updates"/>.
/// </summary>
/// <param name="Outputs">The outputs, in the order of <c>outputsInfo</c>.</param>
/// <param name="Updates">(shared variable, its value after the last step).</param>
public sealed record ScanResult(Variable[] Outputs, IReadOnlyList<KeyValuePair<SharedVariable, Variable>> Updates)
{
    /// <summary>The only output.</summary>
    public Variable Output => Outputs.Length == 1
        ? Outputs[0]
        : throw new InvalidOperationException($"scan has {Outputs.Length} outputs; pick one from Outputs");
}
