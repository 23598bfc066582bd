using Gradient.Graph;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's deprecated <c>consider_constant</c> op: the identity, through which no gradient flows (zero gradient and
/// zero tangent).
/// </summary>
public sealed class ConsiderConstant : GradientControlOp
{
    /// <summary>The op.</summary>
    public static readonly ConsiderConstant Instance = new();

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [Zeros(node.Inputs[0])];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is null ? null : Zeros(node.Outputs[0])];
}
