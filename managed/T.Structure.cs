using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Ops.Linalg;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient;

public static partial class T
{
    /// <summary>
    /// x with its static shape set to <paramref name="shape"/> (null: unspecified), checked when the function runs
    /// (Aesara's <c>specify_shape</c>).
    /// </summary>
    public static Variable SpecifyShape(Variable x, IReadOnlyList<long?> shape)
    {
        Guard.NotNull(shape);
        return SpecifyShape(x, shape.Select(n => (Variable?)(n is long v ? Long(v) : null)).ToArray());
    }

    /// <summary>x with its static shape set to the lengths known before running (null or a negative length: unspecified).</summary>
    public static Variable SpecifyShape(Variable x, IReadOnlyList<Variable?> shape)
    {
        Guard.NotNull(shape);
        Guard.NotNull(x);
        return new SpecifyShape().Call([x, .. shape.Select(s => s ?? Long(-1))]);
    }

    /// <summary>x with the static length of <paramref name="axes"/> forgotten, so they no longer broadcast (Aesara's <c>unbroadcast</c>).</summary>
    public static Variable Unbroadcast(Variable x, params int[] axes)
    {
        Guard.NotNull(axes);
        Guard.NotNull(x);
        var normalized = axes.Select(a => a < 0 ? a + x.Ndim : a).Where(a => a < 0 || a >= x.Ndim || x.Type.Shape[a] == 1)
            .ToArray();
        return normalized.Length == 0 ? x : new Unbroadcast(normalized).Call(x);
    }

    /// <summary>Aesara 2.8's name of <see cref="Unbroadcast"/>.</summary>
    public static Variable Rebroadcast(Variable x, params int[] axes) => Unbroadcast(x, axes);

    /// <summary>
    /// <paramref name="value"/> broadcast to a new tensor of the given lengths (Aesara's <c>alloc</c>); lengths are
    /// integer scalars, e.g. <c>T.ShapeI(x, 0)</c>.
    /// </summary>
    public static Variable Alloc(Variable value, params Variable[] shape)
    {
        Guard.NotNull(value);
        Guard.NoNulls(shape);
        Guard.NotNull(value);
        return new Alloc().Call([value, .. shape]);
    }

    /// <summary><paramref name="value"/> broadcast to a new tensor of constant shape.</summary>
    public static Variable Alloc(Variable value, params long[] shape)
    {
        Guard.NotNull(shape);
        return Alloc(value, shape.Select(n => (Variable)Long(n)).ToArray());
    }

    /// <summary>Zeros of the given lengths and dtype (<see cref="Config.FloatX"/> by default; Aesara's <c>zeros</c>).</summary>
    public static Variable Zeros(IReadOnlyList<Variable> shape, DType? dtype = null)
    {
        Guard.NoNulls(shape);
        return Alloc(Cast(Constant(0L), dtype ?? Config.FloatX), shape.ToArray());
    }

    /// <summary>Zeros of a constant shape.</summary>
    public static Variable Zeros(long[] shape, DType? dtype = null)
    {
        Guard.NotNull(shape);
        return Zeros(shape.Select(n => (Variable)Long(n)).ToArray(), dtype);
    }

    /// <summary>Ones of the given lengths and dtype (<see cref="Config.FloatX"/> by default; Aesara's <c>ones</c>).</summary>
    public static Variable Ones(IReadOnlyList<Variable> shape, DType? dtype = null)
    {
        Guard.NoNulls(shape);
        return Alloc(Cast(Constant(1L), dtype ?? Config.FloatX), shape.ToArray());
    }

    /// <summary>Ones of a constant shape.</summary>
    public static Variable Ones(long[] shape, DType? dtype = null)
    {
        Guard.NotNull(shape);
        return Ones(shape.Select(n => (Variable)Long(n)).ToArray(), dtype);
    }

    /// <summary>An n×m matrix with ones on diagonal k (Aesara's <c>eye</c>); m defaults to n, k to 0, dtype to floatX.</summary>
    public static Variable Eye(Variable n, Variable? m = null, Variable? k = null, DType? dtype = null) =>
        new Eye(dtype ?? Config.FloatX).Call(n, m ?? n, k ?? Long(0));

    /// <summary>An n×m matrix with ones on diagonal k, of constant size.</summary>
    public static Variable Eye(long n, long? m = null, long k = 0, DType? dtype = null) =>
        Eye(Long(n), Long(m ?? n), Long(k), dtype);

    /// <summary>The identity shaped like the matrix x, of x's dtype unless given (Aesara's <c>identity_like</c>).</summary>
    public static Variable IdentityLike(Variable x, DType? dtype = null)
    {
        Guard.NotNull(x);
        if (x.Ndim != 2)
        {
            throw new ArgumentException($"identity_like: expected a matrix; got {x.Type}", nameof(x));
        }
        return Eye(Length(x, 0), Length(x, 1), Long(0), dtype ?? x.DType);
    }

    /// <summary>An N×M matrix with ones at and below diagonal k (Aesara's <c>tri</c>).</summary>
    public static Variable Tri(Variable n, Variable? m = null, Variable? k = null, DType? dtype = null) =>
        new Tri(dtype ?? Config.FloatX).Call(n, m ?? n, k ?? Long(0));

    /// <summary>
    /// Concatenation along <paramref name="axis"/> (Aesara's <c>join</c>); one tensor is returned as it is.
    /// </summary>
    public static Variable Join(int axis, params Variable[] tensors)
    {
        Guard.NoNulls(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("join: expected at least one tensor", nameof(tensors));
        }
        if (tensors.Length == 1)
        {
            return tensors[0];
        }
        int a = axis < 0 ? axis + tensors[0].Ndim : axis;
        return new Join(a < 0 ? axis : a).Call(tensors);
    }

    /// <summary>numpy's <c>concatenate</c> (Aesara's <c>concatenate</c>).</summary>
    public static Variable Concatenate(IReadOnlyList<Variable> tensors, int axis = 0)
    {
        Guard.NotNull(tensors);
        return Join(axis, tensors.ToArray());
    }

    /// <summary>Stacks tensors of one shape along a new axis (Aesara's <c>stack</c>).</summary>
    public static Variable Stack(IReadOnlyList<Variable> tensors, int axis = 0)
    {
        Guard.NoNulls(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("stack: expected at least one tensor", nameof(tensors));
        }
        int ndim = tensors[0].Ndim;
        int a = axis < 0 ? axis + ndim + 1 : axis;
        if (a < 0 || a > ndim)
        {
            throw new ArgumentException($"stack: axis {axis} is out of range for tensors of rank {ndim}", nameof(axis));
        }
        var order = Enumerable.Range(0, ndim).ToList();
        order.Insert(a, -1);
        var expanded = tensors.Select(t =>
        {
            if (t.Ndim != ndim)
            {
                throw new ArgumentException($"stack: all tensors must have rank {ndim}; got {t.Type}", nameof(tensors));
            }
            return DimShuffle(t, order);
        }).ToArray();
        return expanded.Length == 1 ? expanded[0] : new Join(a).Call(expanded);
    }

    /// <summary>
    /// Splits x along <paramref name="axis"/> into <paramref name="nSplits"/> pieces of the lengths in the integer
    /// vector <paramref name="splits"/> (Aesara's <c>split</c>).
    /// </summary>
    public static Variable[] Split(Variable x, Variable splits, int nSplits, int axis = 0) =>
        new Split(nSplits, axis < 0 ? axis + x.Ndim : axis).MakeNode(x, splits).Outputs.ToArray();

    /// <summary>Splits x along <paramref name="axis"/> into pieces of constant lengths.</summary>
    public static Variable[] Split(Variable x, long[] splits, int axis = 0)
    {
        Guard.NotNull(splits);
        return Split(x, Longs(splits), splits.Length, axis);
    }

    /// <summary>
    /// numpy's <c>arange(start, stop, step)</c> (Aesara's <c>arange</c>); the dtype defaults to the promotion of the
    /// inputs' dtypes. An integer arange of constants is computed now and returned as a constant.
    /// </summary>
    public static Variable ARange(Variable start, Variable stop, Variable step, DType? dtype = null)
    {
        Guard.NotNull(start);
        Guard.NotNull(stop);
        Guard.NotNull(step);
        var type = dtype ?? DTypes.Promote(DTypes.Promote(start.DType, stop.DType), step.DType);
        var node = new ARange(type).MakeNode(start, stop, step);
        if (!type.IsDiscrete() || new[] { start, stop, step }.Any(v => v is not Graph.Constant))
        {
            return node.Output;
        }
        using var scope = torch.NewDisposeScope();
        torch.Tensor value;
        try
        {
            value = node.Op.Perform(node, [((Graph.Constant)start).Value, ((Graph.Constant)stop).Value,
                ((Graph.Constant)step).Value])[0];
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            throw KernelFailure.From(node.Op, e);
        }
        return new Graph.Constant(value);
    }

    /// <summary>numpy's <c>arange(stop)</c> of constants (a constant).</summary>
    public static Variable ARange(long stop) => ARange(Constant(0L), Constant(stop), Constant(1L));

    /// <summary>numpy's <c>arange(start, stop, step)</c> of constants (a constant).</summary>
    public static Variable ARange(long start, long stop, long step = 1) => ARange(Constant(start), Constant(stop), Constant(step));

    /// <summary>Aesara's <c>scalar_from_tensor</c> (the identity on 0-d tensors here).</summary>
    public static Variable ScalarFromTensor(Variable x) => new ScalarFromTensor().Call(x);

    /// <summary>Aesara's <c>tensor_from_scalar</c> (the identity on 0-d tensors here).</summary>
    public static Variable TensorFromScalar(Variable x) => new TensorFromScalar().Call(x);

    /// <summary>
    /// numpy's <c>diag</c>: a vector gives the matrix with it on diagonal k, a matrix gives its diagonal k (Aesara's
    /// <c>diag</c>).
    /// </summary>
    public static Variable Diag(Variable v, long k = 0)
    {
        Guard.NotNull(v);
        return v.Ndim switch
    {
        1 => new AllocDiag(k, 0, 1).Call(v),
        2 => new ExtractDiag(k, 0, 1).Call(v),
        _ => throw new ArgumentException($"diag: input must be 1- or 2-d; got {v.Type}", nameof(v)),
    };
    }

    /// <summary>numpy's <c>diagonal(x, offset, axis1, axis2)</c> (negative axes count from the end).</summary>
    public static Variable Diagonal(Variable x, long offset = 0, int axis1 = 0, int axis2 = 1) =>
        new ExtractDiag(offset, axis1 < 0 ? axis1 + x.Ndim : axis1, axis2 < 0 ? axis2 + x.Ndim : axis2).Call(x);

    /// <summary>
    /// numpy's <c>roll</c>: elements shifted by <paramref name="shift"/> (an integer scalar, may be symbolic or
    /// negative) along <paramref name="axis"/>, wrapping around; over the flattened tensor when axis is null.
    /// </summary>
    public static Variable Roll(Variable x, Variable shift, int? axis = null)
    {
        Guard.NotNull(x);
        Guard.NotNull(shift);
        RequireIntScalarArgument("roll", shift, nameof(shift));
        if (axis is null)
        {
            return x.Ndim == 1 ? Roll(x, shift, 0) : Reshape(Roll(Flatten(x), shift, 0), Shape(x));
        }
        int a = axis.Value < 0 ? axis.Value + x.Ndim : axis.Value;
        if (a < 0 || a >= x.Ndim)
        {
            throw new ArgumentException($"roll: axis {axis} is out of range for {x.Type}", nameof(axis));
        }
        var n = Length(x, a);
        // An empty axis has nothing to roll; taking the modulo of 1 there avoids a division by zero.
        var modulus = n is Graph.Constant c && c.ScalarValue > 0 ? n : n + Cast(Eq(n, Long(0)), DType.Int64);
        var sources = Mod(ARange(Long(0), n, Long(1), DType.Int64) - Cast(shift, DType.Int64), modulus);
        return Take(x, sources, a);
    }

    /// <summary>numpy's <c>roll</c> by a constant shift.</summary>
    public static Variable Roll(Variable x, long shift, int? axis = null) => Roll(x, Long(shift), axis);

    /// <summary>
    /// numpy's <c>repeat</c>: each element repeated <paramref name="repeats"/> times (an integer scalar, or a vector
    /// with one count per element) along <paramref name="axis"/>, or over the flattened tensor when axis is null.
    /// </summary>
    public static Variable Repeat(Variable x, Variable repeats, int? axis = null)
    {
        if (axis is null)
        {
            return new Repeat(0).Call(Flatten(x), repeats);
        }
        int a = axis.Value < 0 ? axis.Value + x.Ndim : axis.Value;
        return new Repeat(a < 0 ? axis.Value : a).Call(x, repeats);
    }

    /// <summary>numpy's <c>repeat</c> with a constant count.</summary>
    public static Variable Repeat(Variable x, long repeats, int? axis = null) => Repeat(x, Long(repeats), axis);

    /// <summary>
    /// numpy's <c>tile</c>: x repeated <paramref name="reps"/> times along each axis (Aesara's <c>tile</c>, built from
    /// <c>alloc</c>, <c>dimshuffle</c> and <c>reshape</c>); reps are integer scalars, symbolic ones allowed.
    /// </summary>
    public static Variable Tile(Variable x, IReadOnlyList<Variable> reps, int? ndim = null)
    {
        Guard.NotNull(x);
        Guard.NoNulls(reps);
        int rank = ndim ?? Math.Max(reps.Count, x.Ndim);
        if (rank < reps.Count || rank < x.Ndim)
        {
            throw new ArgumentException($"tile: ndim {rank} is smaller than len(reps)={reps.Count} or x.ndim={x.Ndim}");
        }
        foreach (var r in reps)
        {
            RequireIntScalarArgument("tile", r, nameof(reps));
        }
        var fullReps = Enumerable.Repeat((Variable)Long(1), rank - reps.Count).Concat(reps).ToArray();
        var padded = PadLeft(x, rank);
        var lengths = Enumerable.Range(0, rank).Select(a => Length(padded, a)).ToArray();
        var spread = Alloc(padded, [.. fullReps, .. lengths]);
        var interleave = Enumerable.Range(0, rank).SelectMany(a => new[] { a, a + rank }).ToArray();
        var shuffled = DimShuffle(spread, interleave);
        var newShape = lengths.Zip(fullReps, (n, r) => StaticInt(n) is long p && StaticInt(r) is long q
            ? Long(p * q)
            : Cast(n, DType.Int64) * Cast(r, DType.Int64)).ToArray();
        return Reshape(shuffled, MakeVector(newShape));
    }

    /// <summary>numpy's <c>tile</c> with constant repetitions.</summary>
    public static Variable Tile(Variable x, params long[] reps)
    {
        Guard.NotNull(reps);
        return Tile(x, reps.Select(r => (Variable)Long(r)).ToArray());
    }

    private static void RequireIntScalarArgument(string fn, Variable v, string name)
    {
        if (v.Ndim != 0 || !v.DType.IsDiscrete() || v.DType == DType.Bool)
        {
            throw new ArgumentException($"{fn}: {name} expected an integer scalar; got {v.Type}", name);
        }
    }
}
