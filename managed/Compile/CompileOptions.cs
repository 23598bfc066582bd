using Gradient.Graph;
using Gradient.Rewrites;

namespace Gradient.Compile;

/// <summary>What to do with an input the outputs do not need (Aesara's <c>on_unused_input</c>).</summary>
public enum UnusedInputPolicy
{
    /// <summary>Throw <see cref="UnusedInputException"/>.</summary>
    Raise,
    /// <summary>Write a warning to standard error.</summary>
    Warn,
    /// <summary>Accept it silently.</summary>
    Ignore,
}

/// <summary>Options of <see cref="Function.Compile"/>, named after Aesara's <c>function</c> arguments.</summary>
public sealed record CompileOptions
{
    /// <summary>New values for shared variables, computed in each call and stored after all outputs are computed.</summary>
    public IReadOnlyList<KeyValuePair<SharedVariable, Variable>> Updates { get; init; } = [];

    /// <summary>Variables replaced by other expressions in the compiled graph.</summary>
    public IReadOnlyDictionary<Variable, Variable> Givens { get; init; } = new Dictionary<Variable, Variable>();

    /// <summary>Policy for inputs the outputs and updates do not depend on.</summary>
    public UnusedInputPolicy OnUnusedInput { get; init; } = UnusedInputPolicy.Raise;

    /// <summary>Accept arguments whose dtype loses precision when converted to the input's.</summary>
    public bool AllowInputDowncast { get; init; }

    /// <summary>A name for messages.</summary>
    public string? Name { get; init; }

    /// <summary>The rewrites to run; null runs <see cref="Rewriter.Default"/>, an empty list none.</summary>
    public IReadOnlyList<IGraphRewrite>? Rewrites { get; init; }

    /// <summary>
    /// The device every kernel of the function runs on: <c>cpu</c>, <c>cuda</c> (GPU 0), <c>cuda:N</c> or Aesara's
    /// <c>cudaN</c>; null (the default) takes <see cref="Config.Device"/>. Constants and the values of shared variables
    /// are moved there (a shared value once: it stays on the device of the function that used it last), arguments are
    /// copied there on each call, and the outputs are tensors on that device unless <see cref="OutputsOnCpu"/>.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>Return the outputs on the CPU whatever the function's <see cref="Device"/> (a copy each call off the CPU).</summary>
    public bool OutputsOnCpu { get; init; }
}
