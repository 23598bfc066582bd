using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Interop;

/// <summary>Building and restructuring tensors for <c>sharpgrad.tensor.basic</c> and <c>extra_ops</c>.</summary>
public static partial class PyApi
{
    /// <summary>Aesara's <c>specify_shape</c>; a null length leaves its axis unspecified.</summary>
    public static Variable SpecifyShape(Variable x, Variable?[] shape) => T.SpecifyShape(x, shape);

    /// <summary>Aesara's <c>unbroadcast</c>.</summary>
    public static Variable Unbroadcast(Variable x, int[] axes) => T.Unbroadcast(x, axes);

    /// <summary>Aesara's <c>alloc(value, *shape)</c>.</summary>
    public static Variable Alloc(Variable value, Variable[] shape) => T.Alloc(value, shape);

    /// <summary>Aesara's <c>eye(n, m, k, dtype)</c>.</summary>
    public static Variable Eye(Variable n, Variable m, Variable k, string dtype) => T.Eye(n, m, k, DTypes.Parse(dtype));

    /// <summary>Aesara's <c>tri(N, M, k, dtype)</c>.</summary>
    public static Variable Tri(Variable n, Variable m, Variable k, string dtype) => T.Tri(n, m, k, DTypes.Parse(dtype));

    /// <summary>Aesara's <c>join(axis, *tensors)</c>.</summary>
    public static Variable Join(int axis, Variable[] tensors) => T.Join(axis, tensors);

    /// <summary>Aesara's <c>stack(tensors, axis)</c>.</summary>
    public static Variable Stack(Variable[] tensors, int axis) => T.Stack(tensors, axis);

    /// <summary>Aesara's <c>split(x, splits_size, n_splits, axis)</c>.</summary>
    public static Variable[] Split(Variable x, Variable splits, int nSplits, int axis) => T.Split(x, splits, nSplits, axis);

    /// <summary>Aesara's <c>arange(start, stop, step, dtype)</c>; a null dtype promotes the inputs' dtypes.</summary>
    public static Variable ARange(Variable start, Variable stop, Variable step, string? dtype) =>
        T.ARange(start, stop, step, dtype is null ? null : DTypes.Parse(dtype));

    /// <summary>Aesara's <c>diag(v, k)</c>.</summary>
    public static Variable Diag(Variable v, long k) => T.Diag(v, k);

    /// <summary>numpy's <c>diagonal(x, offset, axis1, axis2)</c>.</summary>
    public static Variable Diagonal(Variable x, long offset, int axis1, int axis2) => T.Diagonal(x, offset, axis1, axis2);

    /// <summary>Aesara's <c>roll(x, shift, axis)</c>.</summary>
    public static Variable Roll(Variable x, Variable shift, int? axis) => T.Roll(x, shift, axis);

    /// <summary>Aesara's <c>repeat(x, repeats, axis)</c>.</summary>
    public static Variable Repeat(Variable x, Variable repeats, int? axis) => T.Repeat(x, repeats, axis);

    /// <summary>Aesara's <c>tile(x, reps, ndim)</c>.</summary>
    public static Variable Tile(Variable x, Variable[] reps, int? ndim) => T.Tile(x, reps, ndim);

    /// <summary>Aesara's <c>scalar_from_tensor</c> (<paramref name="toScalar"/>) or <c>tensor_from_scalar</c>.</summary>
    public static Variable ScalarTensor(Variable x, bool toScalar) => toScalar ? T.ScalarFromTensor(x) : T.TensorFromScalar(x);
}
