using Gradient.Graph;
using static Gradient.Ops.ScalarOp;

namespace Gradient.Ops;

/// <summary>Special element-wise functions, among them the stable forms the stabilising rewrites introduce.</summary>
public static partial class ScalarOps
{
    /// <summary>log1p(x) = log(1 + x), accurate for small x — d log1p(x) = dx / (1 + x)</summary>
    public static readonly ScalarOp Log1p = new("log1p", 1, Float, t => Kernels.Kernels.Log1p(t[0]),
        (x, y, gy) => [gy / (1.0 + x[0])],
        (x, y, dx) => dx[0]! / (1.0 + x[0]));

    /// <summary>sigmoid(x) = 1 / (1 + exp(-x)) — reuses the output: d sigmoid(x) = y (1 - y) dx</summary>
    public static readonly ScalarOp Sigmoid = new("sigmoid", 1, Float, t => Kernels.Kernels.Sigmoid(t[0]),
        (x, y, gy) => [gy * (y * (1.0 - y))],
        (x, y, dx) => dx[0]! * (y * (1.0 - y)));

    /// <summary>softplus(x) = log(1 + exp(x)), computed without overflow — d softplus(x) = sigmoid(x) dx</summary>
    public static readonly ScalarOp Softplus = new("softplus", 1, RealFloat("softplus"), t => Kernels.Kernels.Softplus(t[0]),
        (x, y, gy) => [gy * T.Sigmoid(x[0])],
        (x, y, dx) => dx[0]! * T.Sigmoid(x[0]));
}
