using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's <c>undefined_grad</c>: the identity, whose gradient is undefined (a <see cref="NullGradient"/> that
/// raises when it is asked for under <c>null_gradients='raise'</c>, used, or compiled). Its tangent is undefined too.
/// </summary>
public sealed class UndefinedGrad : GradientControlOp
{
    /// <summary>The op.</summary>
    public static readonly UndefinedGrad Instance = new();

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [new NullGradient(FloatType(node.Inputs[0]), "undefined_grad: the gradient of this variable is undefined")];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        inputTangents[0] is null
            ? [null]
            : throw new NullTypeGradException("undefined_grad: the R-op of this variable is undefined");

    private static TensorType FloatType(Variable x) =>
        x.DType.IsDiscrete() ? x.Type.WithDType(Config.FloatX) : x.Type;
}
