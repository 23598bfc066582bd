using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// In-place forms of the element-wise kernels: each overwrites <c>target</c> (which must already have the result's
/// dtype and shape; the VM guarantees it) and returns it.
/// </summary>
public static partial class Kernels
{
    /// <summary>target += other</summary>
    public static Tensor AddInPlace(Tensor target, Tensor other) => target.add_(other);

    /// <summary>target -= other</summary>
    public static Tensor SubInPlace(Tensor target, Tensor other) => target.sub_(other);

    /// <summary>target *= other</summary>
    public static Tensor MulInPlace(Tensor target, Tensor other) => target.mul_(other);

    /// <summary>target /= other</summary>
    public static Tensor DivInPlace(Tensor target, Tensor other) => target.div_(other);

    /// <summary>target **= other</summary>
    public static Tensor PowInPlace(Tensor target, Tensor other) => target.pow_(other);

    /// <summary>target = -target</summary>
    public static Tensor NegInPlace(Tensor target) => target.neg_();

    /// <summary>target = exp(target)</summary>
    public static Tensor ExpInPlace(Tensor target) => target.exp_();

    /// <summary>target = log(target)</summary>
    public static Tensor LogInPlace(Tensor target) => target.log_();

    /// <summary>target = tanh(target)</summary>
    public static Tensor TanhInPlace(Tensor target) => target.tanh_();

    /// <summary>target = target * target</summary>
    public static Tensor SquareInPlace(Tensor target) => target.mul_(target);
}
