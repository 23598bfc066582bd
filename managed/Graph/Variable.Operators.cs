namespace Gradient.Graph;

public partial class Variable
{
#pragma warning disable CS1591 // The operators mean what their symbols say (numpy's meaning).
    public static Variable operator +(Variable a, long b) => T.Add(a, T.Constant(b));
    public static Variable operator +(long a, Variable b) => T.Add(T.Constant(a), b);
    public static Variable operator -(Variable a, long b) => T.Sub(a, T.Constant(b));
    public static Variable operator -(long a, Variable b) => T.Sub(T.Constant(a), b);
    public static Variable operator *(Variable a, long b) => T.Mul(a, T.Constant(b));
    public static Variable operator *(long a, Variable b) => T.Mul(T.Constant(a), b);
    public static Variable operator /(Variable a, long b) => T.TrueDiv(a, T.Constant(b));
    public static Variable operator /(long a, Variable b) => T.TrueDiv(T.Constant(a), b);
    public static Variable operator %(Variable a, Variable b) => T.Mod(a, b);
    public static Variable operator %(Variable a, double b) => T.Mod(a, T.Constant(b));
    public static Variable operator %(Variable a, long b) => T.Mod(a, T.Constant(b));
    public static Variable operator +(Variable a) => a;
    public static Variable operator <(Variable a, Variable b) => T.Lt(a, b);
    public static Variable operator >(Variable a, Variable b) => T.Gt(a, b);
    public static Variable operator <=(Variable a, Variable b) => T.Le(a, b);
    public static Variable operator >=(Variable a, Variable b) => T.Ge(a, b);
    public static Variable operator <(Variable a, double b) => T.Lt(a, T.Constant(b));
    public static Variable operator >(Variable a, double b) => T.Gt(a, T.Constant(b));
    public static Variable operator <=(Variable a, double b) => T.Le(a, T.Constant(b));
    public static Variable operator >=(Variable a, double b) => T.Ge(a, T.Constant(b));
    public static Variable operator &(Variable a, Variable b) => T.And(a, b);
    public static Variable operator |(Variable a, Variable b) => T.Or(a, b);
    public static Variable operator ^(Variable a, Variable b) => T.Xor(a, b);
    public static Variable operator ~(Variable a) => T.Invert(a);
#pragma warning restore CS1591

    /// <summary>Floor division (Python's <c>//</c>).</summary>
    public Variable FloorDiv(Variable other) => T.IntDiv(this, other);

    /// <summary>Sum over several axes.</summary>
    public Variable Sum(IReadOnlyList<int> axes, bool keepdims = false) => T.Sum(this, axes, keepdims);

    /// <summary>Mean over all axes or the given ones (see <see cref="T.Mean(Variable, IReadOnlyList{int}?, bool)"/>).</summary>
    public Variable Mean(IReadOnlyList<int>? axes = null, bool keepdims = false) => T.Mean(this, axes, keepdims);

    /// <summary>Maximum over all axes or the given ones.</summary>
    public Variable Max(IReadOnlyList<int>? axes = null, bool keepdims = false) => T.Max(this, axes, keepdims);

    /// <summary>Reshape (one length may be -1).</summary>
    public Variable Reshape(params long[] shape) => T.Reshape(this, shape);

    /// <summary>Aesara's <c>flatten(ndim)</c>.</summary>
    public Variable Flatten(int ndim = 1) => T.Flatten(this, ndim);

    /// <summary>Aesara's <c>dimshuffle</c>: -1 inserts a broadcastable axis.</summary>
    public Variable DimShuffle(params int[] order) => T.DimShuffle(this, order);

    /// <summary>The axes reversed.</summary>
    public Variable TransposeAll => T.Transpose(this);

    /// <summary>The run-time shape as an int64 vector (disconnected for gradients).</summary>
    public Variable Shape => T.Shape(this);

    /// <summary>Conversion to <paramref name="dtype"/>.</summary>
    public Variable AsType(Kernels.DType dtype) => T.Cast(this, dtype);

    /// <summary>Basic indexing in numpy's notation, e.g. <c>x["1:, ::-1"]</c> or <c>x["None, 0"]</c>.</summary>
    public Variable this[string index] => T.Index(this, index);

    /// <summary>Integer indexing of the first axes, e.g. <c>x[0]</c> or <c>x.Shape[1]</c>.</summary>
    public Variable this[params long[] index] => T.Index(this, index.Select(i => (Kernels.IndexEntry?)new Kernels.IndexEntry(i)).ToArray());
}
