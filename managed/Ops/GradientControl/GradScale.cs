using Gradient.Graph;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's <c>grad_scale(x, multiplier)</c>: the identity, whose gradient is multiplied by
/// <see cref="Multiplier"/>. The tangent passes unchanged (as Aesara's R-op does).
/// </summary>
public sealed class GradScale(double multiplier) : GradientControlOp
{
    /// <summary>The factor applied to the gradient.</summary>
    public double Multiplier { get; } = multiplier;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("multiplier", Multiplier)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var g = outputGradients[0];
        var scaled = g * Multiplier;
        return [scaled.DType == g.DType ? scaled : T.Cast(scaled, g.DType)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];

    /// <inheritdoc/>
    public override string ToString() => $"GradScale{{{Multiplier}}}";
}
