using Gradient.Graph;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// Aesara's <c>grad_clip(x, lower, upper)</c>: the identity, whose gradient is clipped element-wise to
/// [<see cref="Lower"/>, <see cref="Upper"/>]. The tangent passes unchanged (as Aesara's R-op does).
/// </summary>
public sealed class GradClip : GradientControlOp
{
    /// <summary>Creates the op; <paramref name="lower"/> must not exceed <paramref name="upper"/>.</summary>
    public GradClip(double lower, double upper)
    {
        if (!(lower <= upper))
        {
            throw new ArgumentException($"grad_clip: expected lower <= upper; got lower={lower}, upper={upper}");
        }
        (Lower, Upper) = (lower, upper);
    }

    /// <summary>Smallest gradient value let through.</summary>
    public double Lower { get; }

    /// <summary>Largest gradient value let through.</summary>
    public double Upper { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("lower", Lower), new("upper", Upper)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var g = outputGradients[0];
        return [T.Clip(g, T.Cast(T.Constant(Lower), g.DType), T.Cast(T.Constant(Upper), g.DType))];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];

    /// <inheritdoc/>
    public override string ToString() => $"GradClip{{{Lower}, {Upper}}}";
}
