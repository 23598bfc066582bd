using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

public static partial class T
{
    /// <summary>A 0-d tensor of <paramref name="dtype"/>.</summary>
    public static Variable Scalar(DType dtype, string? name = null) => Tensor(dtype, [], name);

    /// <summary>A vector of <paramref name="dtype"/>.</summary>
    public static Variable Vector(DType dtype, string? name = null) => Tensor(dtype, [null], name);

    /// <summary>A matrix of <paramref name="dtype"/>.</summary>
    public static Variable Matrix(DType dtype, string? name = null) => Tensor(dtype, [null, null], name);

    /// <summary>A row (a matrix whose first axis has static length 1, so it broadcasts) of <paramref name="dtype"/>.</summary>
    public static Variable Row(DType dtype, string? name = null) => Tensor(dtype, [1, null], name);

    /// <summary>A column (a matrix whose second axis has static length 1) of <paramref name="dtype"/>.</summary>
    public static Variable Col(DType dtype, string? name = null) => Tensor(dtype, [null, 1], name);

    /// <summary>A rank-3 tensor of <paramref name="dtype"/>.</summary>
    public static Variable Tensor3(DType dtype, string? name = null) => Tensor(dtype, [null, null, null], name);

    /// <summary>A rank-4 tensor of <paramref name="dtype"/>.</summary>
    public static Variable Tensor4(DType dtype, string? name = null) => Tensor(dtype, [null, null, null, null], name);

    /// <summary>A row of <see cref="Config.FloatX"/>.</summary>
    public static Variable Row(string? name = null) => Row(Config.FloatX, name);

    /// <summary>A column of <see cref="Config.FloatX"/>.</summary>
    public static Variable Col(string? name = null) => Col(Config.FloatX, name);

    /// <summary>A rank-3 tensor of <see cref="Config.FloatX"/>.</summary>
    public static Variable Tensor3(string? name = null) => Tensor3(Config.FloatX, name);

    /// <summary>A rank-4 tensor of <see cref="Config.FloatX"/>.</summary>
    public static Variable Tensor4(string? name = null) => Tensor4(Config.FloatX, name);

    /// <summary>An int32 scalar (Aesara's <c>iscalar</c>).</summary>
    public static Variable IScalar(string? name = null) => Scalar(DType.Int32, name);

    /// <summary>An int32 vector (Aesara's <c>ivector</c>).</summary>
    public static Variable IVector(string? name = null) => Vector(DType.Int32, name);

    /// <summary>An int32 matrix (Aesara's <c>imatrix</c>).</summary>
    public static Variable IMatrix(string? name = null) => Matrix(DType.Int32, name);

    /// <summary>An int64 scalar (Aesara's <c>lscalar</c>).</summary>
    public static Variable LScalar(string? name = null) => Scalar(DType.Int64, name);

    /// <summary>An int64 vector (Aesara's <c>lvector</c>).</summary>
    public static Variable LVector(string? name = null) => Vector(DType.Int64, name);

    /// <summary>An int64 matrix (Aesara's <c>lmatrix</c>).</summary>
    public static Variable LMatrix(string? name = null) => Matrix(DType.Int64, name);

    /// <summary>A float64 rank-3 tensor (Aesara's <c>dtensor3</c>).</summary>
    public static Variable DTensor3(string? name = null) => Tensor3(DType.Float64, name);

    /// <summary>A float32 rank-3 tensor (Aesara's <c>ftensor3</c>).</summary>
    public static Variable FTensor3(string? name = null) => Tensor3(DType.Float32, name);

    /// <summary>A float64 row (Aesara's <c>drow</c>).</summary>
    public static Variable DRow(string? name = null) => Row(DType.Float64, name);

    /// <summary>A float64 column (Aesara's <c>dcol</c>).</summary>
    public static Variable DCol(string? name = null) => Col(DType.Float64, name);
}
