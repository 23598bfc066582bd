using Gradient.Graph;

namespace Gradient;

/// <summary>Tensor products: matmul, outer, tensordot, batched_dot and Aesara's dense <c>dot</c> for any rank.</summary>
public static partial class T
{
    /// <summary>
    /// numpy's <c>matmul</c>: matrix products over the last two axes with broadcast batch axes; a 1-d left operand is
    /// a row and a 1-d right operand a column, dropped again from the result.
    /// </summary>
    public static Variable MatMul(Variable a, Variable b)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        if (a.Ndim == 0 || b.Ndim == 0)
        {
            throw new ArgumentException($"matmul: operands must not be scalars; got {a.Type} and {b.Type}");
        }
        var a2 = a.Ndim == 1 ? DimShuffle(a, [-1, 0]) : a;
        var b2 = b.Ndim == 1 ? DimShuffle(b, [0, -1]) : b;
        var c = Ops.MatMul.Instance.Call(a2, b2);
        if (a.Ndim > 1 && b.Ndim > 1)
        {
            return c;
        }
        // Drop the row axis (second to last) and/or the column axis (last) that were added.
        var order = Enumerable.Range(0, c.Ndim - 2).ToList();
        if (a.Ndim > 1)
        {
            order.Add(c.Ndim - 2);
        }
        if (b.Ndim > 1)
        {
            order.Add(c.Ndim - 1);
        }
        return DimShuffle(c, order);
    }

    /// <summary>Aesara's <c>outer</c>: the outer product of the flattened operands (a matrix).</summary>
    public static Variable Outer(Variable x, Variable y)
    {
        Guard.NotNull(x);
        Guard.NotNull(y);
        var u = x.Ndim == 1 ? x : Flatten(x, 1);
        var v = y.Ndim == 1 ? y : Flatten(y, 1);
        return Dot(DimShuffle(u, [0, -1]), DimShuffle(v, [-1, 0]));
    }

    /// <summary>numpy's <c>tensordot</c> over the last <paramref name="axes"/> axes of a and the first of b.</summary>
    public static Variable TensorDot(Variable a, Variable b, int axes = 2)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        if (axes < 0 || axes > a.Ndim || axes > b.Ndim)
        {
            throw new ArgumentException(
                $"tensordot: axes must be between 0 and the ranks of the operands; got {axes} for {a.Type} and {b.Type}",
                nameof(axes));
        }
        return TensorDot(a, b, Enumerable.Range(a.Ndim - axes, axes).ToArray(), Enumerable.Range(0, axes).ToArray());
    }

    /// <summary>numpy's <c>tensordot</c> over the paired axes (negative count from the end).</summary>
    public static Variable TensorDot(Variable a, Variable b, IReadOnlyList<int> axesA, IReadOnlyList<int> axesB)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        Guard.NotNull(axesA);
        Guard.NotNull(axesB);
        Guard.NotNull(a);
        Guard.NotNull(b);
        if (axesA.Count != axesB.Count)
        {
            throw new ArgumentException(
                $"tensordot: axes must pair as many axes of a as of b; got [{string.Join(", ", axesA)}] and " +
                $"[{string.Join(", ", axesB)}]", nameof(axesB));
        }
        var na = axesA.Select(i => i < 0 ? i + a.Ndim : i).ToArray();
        var nb = axesB.Select(i => i < 0 ? i + b.Ndim : i).ToArray();
        return new Ops.TensorDot(na, nb).Call(a, b);
    }

    /// <summary>
    /// Aesara's <c>batched_dot</c>: the dot of each pair of slices along the first axis. A vector operand multiplies
    /// element-wise along the batch; operands of rank 2 and 3 use the <c>BatchedDot</c> op.
    /// </summary>
    public static Variable BatchedDot(Variable a, Variable b)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        if (a.Ndim == 0 || b.Ndim == 0)
        {
            throw new ArgumentException($"batched_dot: operands must have a batch axis; got {a.Type} and {b.Type}");
        }
        if (a.Ndim == 1)
        {
            return DimShuffle(a, [0, .. Enumerable.Repeat(-1, b.Ndim - 1)]) * b;
        }
        if (b.Ndim == 1)
        {
            return a * DimShuffle(b, [0, .. Enumerable.Repeat(-1, a.Ndim - 1)]);
        }
        if (a.Ndim > 3 || b.Ndim > 3)
        {
            throw new NotSupportedException(
                $"batched_dot: operands of rank above 3 (Aesara's batched_tensordot) are not supported; got {a.Type} and {b.Type}");
        }
        return Ops.BatchedDot.Instance.Call(a, b);
    }

    /// <summary>
    /// Aesara's <c>dot</c> for any rank (<c>dense_dot</c>): element-wise product when an operand is a scalar, the
    /// <c>Dot</c> op for ranks 1 and 2, and otherwise tensordot over the last axis of a and the second to last axis
    /// of b (the first when b is a vector), as numpy's <c>dot</c>.
    /// </summary>
    public static Variable DenseDot(Variable a, Variable b)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        if (a.Ndim == 0 || b.Ndim == 0)
        {
            return a * b;
        }
        if (a.Ndim > 2 || b.Ndim > 2)
        {
            return TensorDot(a, b, [a.Ndim - 1], [Math.Max(0, b.Ndim - 2)]);
        }
        return Dot(a, b);
    }
}
