using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// BLAS's <c>gemm</c> (libtorch's <c>addmm</c>): <c>op(a)·op(b) [+ c]</c> for matrices a and b, where
/// <c>op(x)</c> is <c>xᵀ</c> when its flag is set, and c, when given, is added with Aesara's broadcasting: a vector
/// of the output's columns (added to every row), or a matrix whose static-1 axes broadcast. The compiler fuses
/// <c>dot</c>, the transposes of its operands and a bias added to it into this op (<see cref="Rewrites.FuseGemm"/>),
/// so that a dense layer is one kernel and its gradients take no separate transposes.
/// </summary>
/// <remarks>Bilinear in (a, b), linear in c: each derivative is a product of the other operand, through <c>dot</c>.</remarks>
public sealed class Gemm(bool transA, bool transB) : Op
{
    /// <summary>Whether a is read transposed.</summary>
    public bool TransA { get; } = transA;

    /// <summary>Whether b is read transposed.</summary>
    public bool TransB { get; } = transB;

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NotNull(inputs, $"{this}");
        if (inputs.Length is not (2 or 3))
        {
            throw new ArgumentException($"{this}: expected 2 or 3 inputs (a, b[, c]); got {inputs.Length}", nameof(inputs));
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            Guard.NotNull(inputs[i], $"{this}", $"input {i}");
        }
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Ndim != 2 || b.Ndim != 2 || inputs.Length == 3 && inputs[2].Ndim is not (1 or 2))
        {
            throw new ArgumentException(
                $"{this}: expected matrices a and b and a vector or matrix c; got {string.Join(", ", inputs.Select(v => v.Type))}");
        }
        if (inputs.Any(v => v.DType != a.DType) || !a.DType.IsFloat())
        {
            throw new ArgumentException(
                $"{this}: expected inputs of one float dtype; got {string.Join(", ", inputs.Select(v => v.DType.Name()))}");
        }
        var (m, k) = Axes(a, TransA);
        var (l, n) = Axes(b, TransB);
        if (k is long kk && l is long ll && kk != ll)
        {
            throw new ArgumentException(
                $"{this}: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} not aligned: {kk} != {ll}");
        }
        long?[] shape = [m, n];
        if (inputs.Length == 3)
        {
            // Aesara's broadcasting of the sum (as Elemwise types dot(a, b) + c).
            var c = BiasShape(inputs[2]);
            for (int axis = 0; axis < 2; axis++)
            {
                var (x, y) = (shape[axis], c[axis]);
                if (x is long p && p != 1 && y is long q && q != 1 && p != q)
                {
                    throw new ArgumentException(
                        $"{this}: the product's shape {TensorType.Show(shape)} and c's {TensorType.Show(inputs[2].Type.Shape)} " +
                        $"do not broadcast: axis {axis} has lengths {p} and {q}");
                }
                shape[axis] = x is long px && px != 1 ? x : y is long qy && qy != 1 ? y : x == 1 && y == 1 ? 1 : null;
            }
        }
        return new Apply(this, inputs, [new TensorType(a.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        torch.Tensor? c = null;
        if (inputs.Length == 3)
        {
            c = inputs[2];
            // Only the static-1 axes of c broadcast (Aesara's rule); libtorch would broadcast any length-1 axis.
            var types = BiasShape(node.Inputs[2]);
            int offset = 2 - (int)c.dim();
            long m = inputs[0].size(TransA ? 1 : 0), n = inputs[1].size(TransB ? 0 : 1);
            for (int axis = offset; axis < 2; axis++)
            {
                long want = axis == 0 ? m : n;
                if (types[axis] != 1 && c.size(axis - offset) != want)
                {
                    throw new ArgumentException(
                        $"{this}: c of shape {Kernels.Kernels.Show(c.Lengths())} does not match the product's " +
                        $"({m}, {n}) on axis {axis}; only axes of static length 1 broadcast");
                }
            }
        }
        return [Kernels.Kernels.Gemm(inputs[0], inputs[1], c, TransA, TransB)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        // With A = op(a), B = op(b): dA = gz·Bᵀ and dB = Aᵀ·gz, transposed back where a or b was read transposed.
        var ga = TransA ? T.Dot(OpB(b), T.Transpose(gz)) : T.Dot(gz, T.Transpose(OpB(b)));
        var gb = TransB ? T.Dot(T.Transpose(gz), OpA(a)) : T.Dot(T.Transpose(OpA(a)), gz);
        if (node.Inputs.Count == 2)
        {
            return [ga, gb];
        }
        var c = node.Inputs[2];
        var y = node.Outputs[0];
        Variable gc;
        if (c.Ndim == 1)
        {
            gc = c.Type.Shape[0] == 1 && y.Type.Shape[1] != 1
                ? T.DimShuffle(T.Sum(gz, [0, 1]), [-1])
                : T.Sum(gz, [0]);
        }
        else
        {
            var axes = Enumerable.Range(0, 2).Where(i => c.Type.Shape[i] == 1 && y.Type.Shape[i] != 1).ToArray();
            gc = axes.Length == 0 ? gz
                : T.DimShuffle(T.Sum(gz, axes), Enumerable.Range(0, 2)
                    .Select(i => Array.IndexOf(axes, i) >= 0 ? -1 : i - axes.Count(r => r < i)).ToArray());
        }
        return [ga, gb, gc];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var y = node.Outputs[0];
        var terms = new List<Variable>();
        if (inputTangents[0] is { } da)
        {
            terms.Add(T.Dot(OpA(da), OpB(b)));
        }
        if (inputTangents[1] is { } db)
        {
            terms.Add(T.Dot(OpA(a), OpB(db)));
        }
        if (inputTangents.Length == 3 && inputTangents[2] is { } dc)
        {
            terms.Add(dc.Ndim == 1 ? T.DimShuffle(dc, [-1, 0]) : dc);
        }
        if (terms.Count == 0)
        {
            return [null];
        }
        var dy = terms.Aggregate((p, q) => p + q);
        // A tangent of a broadcast c alone has c's shape: spread it over the output.
        return [dy.Type.Broadcastable.SequenceEqual(y.Type.Broadcastable) ? dy : T.Second(y, dy)];
    }

    /// <summary>The same computation unfused (dot, transposes and a sum), through those ops' batching rules.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var originals = inputs.Select((x, i) => x.Batched ? node.Inputs[i] : x.Value).ToArray();
        var unfused = T.Dot(OpA(originals[0]), OpB(originals[1]));
        if (originals.Length == 3)
        {
            unfused += originals[2];
        }
        var batched = new Dictionary<Variable, Variable>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].Batched)
            {
                batched[node.Inputs[i]] = inputs[i].Value;
            }
        }
        return Batching.Vectorize([unfused], batched);
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("trans_a", TransA), new("trans_b", TransB)];

    /// <inheritdoc/>
    public override string ToString() => $"Gemm{{{(TransA ? "T" : "N")}{(TransB ? "T" : "N")}}}";

    private Variable OpA(Variable a) => TransA ? T.Transpose(a) : a;

    private Variable OpB(Variable b) => TransB ? T.Transpose(b) : b;

    /// <summary>The static (rows, columns) of x, read transposed when <paramref name="transposed"/>.</summary>
    private static (long?, long?) Axes(Variable x, bool transposed) =>
        transposed ? (x.Type.Shape[1], x.Type.Shape[0]) : (x.Type.Shape[0], x.Type.Shape[1]);

    /// <summary>c's static shape as a matrix: a vector is one row.</summary>
    private static long?[] BiasShape(Variable c) => c.Ndim == 1 ? [1, c.Type.Shape[0]] : [.. c.Type.Shape];
}
