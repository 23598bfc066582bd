namespace Gradient.Ops;

/// <summary>Aesara's <c>All</c>: true where every element over the axes is non-zero.</summary>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public sealed class All(IReadOnlyList<int>? axis) : BooleanReduction(axis)
{
    /// <inheritdoc/>
    protected override TorchSharp.torch.Tensor Reduce(TorchSharp.torch.Tensor x, long[]? axes) => Kernels.Kernels.All(x, axes);

    /// <inheritdoc/>
    protected override BooleanReduction WithAxes(IReadOnlyList<int>? axes) => new All(axes);
}
