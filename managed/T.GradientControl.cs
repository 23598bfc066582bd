using Gradient.Graph;
using Gradient.Ops.GradientControl;

namespace Gradient;

/// <summary>Gradient-control functions (Aesara's <c>aesara.gradient</c> helpers); each is the identity when computed.</summary>
public static partial class T
{
    /// <summary>x, with a zero gradient (still connected).</summary>
    public static Variable ZeroGrad(Variable x) => ZeroGrad_.Call(x);

    /// <summary>x, disconnected from its own inputs for gradients.</summary>
    public static Variable DisconnectedGrad(Variable x) => DisconnectedGrad_.Call(x);

    /// <summary>x, with its gradient clipped element-wise to [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public static Variable GradClip(Variable x, double lower, double upper) => new GradClip(lower, upper).Call(x);

    /// <summary>x, with its gradient multiplied by <paramref name="multiplier"/>.</summary>
    public static Variable GradScale(Variable x, double multiplier) => new GradScale(multiplier).Call(x);

    /// <summary>x, through which no gradient flows (Aesara's deprecated <c>consider_constant</c> op).</summary>
    public static Variable ConsiderConstant(Variable x) => Ops.GradientControl.ConsiderConstant.Instance.Call(x);

    /// <summary>x, with an undefined gradient.</summary>
    public static Variable UndefinedGrad(Variable x) => Ops.GradientControl.UndefinedGrad.Instance.Call(x);

    private static ZeroGrad ZeroGrad_ => Ops.GradientControl.ZeroGrad.Instance;

    private static DisconnectedGrad DisconnectedGrad_ => Ops.GradientControl.DisconnectedGrad.Instance;
}
