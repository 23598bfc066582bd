namespace Gradient.Ops;

/// <summary>Aesara's <c>Any</c>: true where some element over the axes is non-zero.</summary>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public sealed class Any(IReadOnlyList<int>? axis) : BooleanReduction(axis)
{
    /// <inheritdoc/>
    protected override TorchSharp.torch.Tensor Reduce(TorchSharp.torch.Tensor x, long[]? axes) => Kernels.Kernels.Any(x, axes);

    /// <inheritdoc/>
    protected override BooleanReduction WithAxes(IReadOnlyList<int>? axes) => new Any(axes);
}
