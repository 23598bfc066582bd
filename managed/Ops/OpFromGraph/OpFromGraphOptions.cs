using Gradient.Graph;

namespace Gradient.Ops;

/// <summary>
/// A replacement for the pullback of an <see cref="OpFromGraph"/> (Aesara's <c>lop_overrides</c> callable). It is
/// called once, with the op's inner inputs and outputs and one fresh output-gradient variable per output, and returns
/// one term per inner input: a gradient (a graph of those variables, constants and shared variables), a
/// <see cref="DisconnectedGradient"/> or null (disconnected: numerically zero), or a <see cref="NullGradient"/>
/// (undefined). The terms become the inner graph of the op's gradient op, applied at each node.
/// </summary>
public delegate Variable?[] LopOverride(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs,
    IReadOnlyList<Variable> outputGradients);

/// <summary>
/// A replacement for the pushforward of an <see cref="OpFromGraph"/> (Aesara's <c>rop_overrides</c> callable). It is
/// called once, with the op's inner inputs and one fresh tangent variable per input (a zero tangent arrives as zeros),
/// and returns one term per output: a tangent, or null / a <see cref="DisconnectedGradient"/> for a zero tangent, or
/// a <see cref="NullGradient"/> for an undefined one.
/// </summary>
public delegate Variable?[] RopOverride(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> evalPoints);

/// <summary>The options of <see cref="OpFromGraph"/>, named after Aesara's arguments.</summary>
public sealed record OpFromGraphOptions
{
    /// <summary>
    /// Inline the inner graph into the compiled graph (the op disappears at compile time; derivatives built before
    /// that keep the overrides). False runs a compiled inner function.
    /// </summary>
    public bool Inline { get; init; }

    /// <summary>
    /// Mark the op as a checkpoint (<see cref="Gradient.Checkpoint"/>): never inlined, and its default gradient recomputes the
    /// inner graph's intermediate values inside the backward pass instead of keeping them from the forward pass.
    /// </summary>
    public bool Checkpoint { get; init; }

    /// <summary>A name for printing and messages.</summary>
    public string? Name { get; init; }

    /// <summary>The pullback override; null uses the gradient of the inner graph.</summary>
    public LopOverride? LopOverride { get; init; }

    /// <summary>The pushforward override; null uses the R-op of the inner graph.</summary>
    public RopOverride? RopOverride { get; init; }

    /// <summary>
    /// The connection pattern (entry [i][o]: output o depends on input i); null derives it from the inner graph and
    /// the overrides. Rows are per input of the op, the implicit shared-variable inputs included (their rows may be
    /// left out: they are then derived).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<bool>>? ConnectionPattern { get; init; }
}
