using static Gradient.Ops.ScalarOp;
using K = Gradient.Kernels.Kernels;

namespace Gradient.Ops;

/// <summary>
/// Fused multiply-add rules: one kernel for what the plain graph computes in two (a product, then a sum or a
/// difference). The compiler's <see cref="Rewrites.FuseMultiplyAdd"/> introduces them; they are ordinary rules
/// otherwise, with both derivatives, so a graph holding them differentiates like any other.
/// </summary>
public static partial class ScalarOps
{
    /// <summary>a + b·c — d = da + c db + b dc</summary>
    public static readonly ScalarOp AddCMul = new("addcmul", 3, NoBool("addcmul"), t => K.AddCMul(t[0], t[1], t[2]),
        (x, y, gy) => [gy, gy * x[2], gy * x[1]],
        (x, y, dx) => Sum(dx[0], Sum(Term(dx[1], d => d * x[2]), Term(dx[2], d => x[1] * d))))
    {
        InPlace = (t, _) => K.AddCMulInPlace(t[0], t[1], t[2]), InPlaceInputs = [0],
    };

    /// <summary>a - b·c — d = da - c db - b dc</summary>
    public static readonly ScalarOp SubCMul = new("subcmul", 3, NoBool("subcmul"), t => K.SubCMul(t[0], t[1], t[2]),
        (x, y, gy) => [gy, -(gy * x[2]), -(gy * x[1])],
        (x, y, dx) => Sum(dx[0], Term(Sum(Term(dx[1], d => d * x[2]), Term(dx[2], d => x[1] * d)), d => -d)))
    {
        InPlace = (t, _) => K.SubCMulInPlace(t[0], t[1], t[2]), InPlaceInputs = [0],
    };
}
