using Gradient.Graph;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's <c>zero_grad</c>: the identity, whose derivative is taken to be zero in both directions (the gradient is
/// zero, still connected; the R-op is zero — Aesara's R-op here is broken, this is the consistent answer).
/// </summary>
public sealed class ZeroGrad : GradientControlOp
{
    /// <summary>The op.</summary>
    public static readonly ZeroGrad Instance = new();

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [Zeros(node.Inputs[0])];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is null ? null : Zeros(node.Outputs[0])];
}
