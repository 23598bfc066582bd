using Gradient.Graph;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's <c>disconnected_grad</c>: the identity, whose input counts as disconnected from its output for
/// derivatives, so asking for the gradient of an expression that reaches x only through it raises
/// <see cref="DisconnectedInputException"/> under the default policy.
/// </summary>
public sealed class DisconnectedGrad : GradientControlOp
{
    /// <summary>The op.</summary>
    public static readonly DisconnectedGrad Instance = new();

    /// <inheritdoc/>
    public override bool[][] ConnectionPattern(Apply node) => [[false]];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];
}
