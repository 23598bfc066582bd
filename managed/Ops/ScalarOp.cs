using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// An element-wise function declared once: its value, its output dtype, and both derivative rules. <see cref="Elemwise"/>
/// lifts it to tensors with broadcasting.
/// </summary>
/// <param name="Name">Aesara's name, e.g. <c>add</c>.</param>
/// <param name="Arity">Number of inputs.</param>
/// <param name="OutputDType">Output dtype from the promoted input dtype.</param>
/// <param name="Compute">The kernel, on inputs already cast to the output dtype.</param>
/// <param name="Pullback">
/// (inputs, output, output gradient) → gradient of each input, output-shaped (null where not connected).
/// </param>
/// <param name="Pushforward">(inputs, output, input tangents with null for zero) → output tangent.</param>
/// <param name="TypeFrom">
/// When set, the output takes this input's dtype instead of the promoted one (Aesara's <c>transfer_type</c>).
/// </param>
public sealed record ScalarOp(
    string Name,
    int Arity,
    Func<DType, DType> OutputDType,
    Func<torch.Tensor[], torch.Tensor> Compute,
    Func<Variable[], Variable, Variable, Variable?[]> Pullback,
    Func<Variable[], Variable, Variable?[], Variable?> Pushforward,
    int? TypeFrom = null)
{
    /// <summary>
    /// The dtype the inputs are cast to before <see cref="Compute"/> runs, from the promoted input dtype; null (the
    /// default) means the output dtype. Comparisons set it so that <c>2.5 &lt; 3</c> compares floats, not booleans.
    /// </summary>
    public Func<DType, DType>? ComputeDType { get; init; }

    /// <summary>
    /// The in-place kernel: (inputs cast to the output dtype, index) → the output written into input <c>index</c>,
    /// which is returned. Only rules whose <see cref="Compute"/> always returns fresh memory have one, so null also
    /// tells the VM that the output may share memory with an input.
    /// </summary>
    public Func<torch.Tensor[], int, torch.Tensor>? InPlace { get; init; }

    /// <summary>The inputs <see cref="InPlace"/> can overwrite.</summary>
    public IReadOnlyList<int> InPlaceInputs { get; init; } = [];

    /// <summary>Output dtype equals the promoted input dtype.</summary>
    public static DType Same(DType d) => d;

    /// <summary>Output is the float type of the input (Aesara's <c>upgrade_to_float</c>).</summary>
    public static DType Float(DType d) => d.UpgradeToFloat();

    /// <summary>
    /// Aesara's <c>TrueDiv.output_types</c>: when every input is discrete (the promoted dtype is), the result is
    /// <see cref="Config.FloatX"/>; otherwise the promoted dtype (<c>upcast_out</c>).
    /// </summary>
    public static DType FloatXIfDiscrete(DType d) => d.IsDiscrete() ? Config.FloatX : d;

    /// <summary>Aesara's <c>upcast_out_min8</c> (used by <c>pow</c>): booleans give int8.</summary>
    public static DType Min8(DType d) => d == DType.Bool ? DType.Int8 : d;

    /// <summary>Aesara's <c>upcast_out_nobool</c> (used by <c>sub</c>): booleans are rejected by the rule <paramref name="name"/>.</summary>
    public static Func<DType, DType> NoBool(string name) => d => d == DType.Bool
        ? throw new ArgumentException(
            $"{name}: bool output not supported: numpy and Aesara reject this op on booleans")
        : d;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
