using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Lifts a <see cref="ScalarOp"/> to tensors with Aesara's broadcasting: inputs of lower rank get leading axes of
/// length 1, and an axis broadcasts only when its static length is 1. Gradients of broadcast inputs are summed back
/// to their shape.
/// </summary>
public sealed class Elemwise(ScalarOp scalar) : Op
{
    /// <summary>The element-wise function.</summary>
    public ScalarOp Scalar { get; } = scalar;

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, Scalar.Arity);
        int ndim = 0;
        foreach (var v in inputs)
        {
            ndim = Math.Max(ndim, v.Ndim);
        }
        var padded = new Variable[inputs.Length];
        for (int i = 0; i < padded.Length; i++)
        {
            padded[i] = inputs[i].Ndim == ndim ? inputs[i] : T.PadLeft(inputs[i], ndim);
        }
        Span<long?> shape = ndim <= 16 ? stackalloc long?[ndim] : new long?[ndim];
        for (int axis = 0; axis < ndim; axis++)
        {
            long? known = null;
            bool allOnes = true;
            foreach (var v in padded)
            {
                var n = v.Type.Shape[axis];
                allOnes &= n == 1;
                if (n is long len && len != 1)
                {
                    if (known is long k && k != len)
                    {
                        throw new ArgumentException(
                            $"{this}: input shapes {string.Join(" and ", inputs.Select(i => TensorType.Show(i.Type.Shape)))} " +
                            $"do not broadcast: axis {axis} has lengths {k} and {len}");
                    }
                    known = len;
                }
            }
            shape[axis] = known ?? (allOnes ? 1 : null);
        }
        // Constants made from bare numbers were already typed by Aesara's autocasting (see T.Constant), so the output
        // dtype is the rule's function of the plain numpy promotion of the input dtypes.
        var dtype = Scalar.TypeFrom is int from ? inputs[from].DType : Scalar.OutputDType(PromoteInputs(inputs));
        return Apply.Adopt(this, padded, TypeLike(padded, dtype, shape));
    }

    /// <summary>An input's type when it is the output's (the common case), else a new one.</summary>
    private static TensorType TypeLike(Variable[] inputs, DType dtype, ReadOnlySpan<long?> shape)
    {
        foreach (var v in inputs)
        {
            if (v.DType == dtype && Same(v.Type.Shape, shape))
            {
                return v.Type;
            }
        }
        return TensorType.Adopt(dtype, shape.ToArray());

        static bool Same(IReadOnlyList<long?> a, ReadOnlySpan<long?> b)
        {
            for (int i = 0; i < b.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        CheckRuntimeBroadcast(node, inputs);
        // A rule computes in the output dtype unless it names another (comparisons compute in the promoted one).
        var converted = Converted(node, inputs, ComputeDType(node), keep: -1);
        try
        {
            return [Scalar.Compute(converted)];
        }
        finally
        {
            DisposeConverted(converted, inputs);
        }
    }

    /// <summary>A constant in another dtype than the one the rule computes in is converted once, not at every call.</summary>
    public override torch.Tensor? PrepareConstant(Apply node, int index, torch.Tensor value)
    {
        var dtype = ComputeDType(node).ToTorch();
        return value.dtype == dtype || value.is_sparse ? null : value.to_type(dtype);
    }

    private DType ComputeDType(Apply node) => Scalar.ComputeDType is { } computeIn && Scalar.TypeFrom is null
        ? computeIn(PromoteInputs(node.Inputs))
        : node.Outputs[0].DType;

    /// <summary>The inputs in <paramref name="dtype"/>: the same array when all already are, else a copy holding conversions.</summary>
    /// <remarks>
    /// A value has its variable's dtype, so only an input typed otherwise is looked at (a native call): a constant
    /// prepared in the compute dtype (<see cref="PrepareConstant"/>) then needs no conversion after all.
    /// </remarks>
    private static torch.Tensor[] Converted(Apply node, torch.Tensor[] inputs, DType dtype, int keep)
    {
        torch.Tensor[]? converted = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (i == keep || node.Inputs[i].DType == dtype)
            {
                continue;
            }
            var type = dtype.ToTorch();
            if (inputs[i].dtype != type)
            {
                converted ??= (torch.Tensor[])inputs.Clone();
                converted[i] = inputs[i].to_type(type);
            }
        }
        return converted ?? inputs;
    }

    private static void DisposeConverted(torch.Tensor[] converted, torch.Tensor[] inputs)
    {
        for (int i = 0; i < converted.Length && converted != inputs; i++)
        {
            if (!ReferenceEquals(converted[i], inputs[i]))
            {
                converted[i].Dispose();
            }
        }
    }

    /// <summary>Only rules with an in-place kernel promise fresh memory (e.g. <c>second</c> returns a broadcast view).</summary>
    public override bool OutputMayAlias(Apply node, int output) => Scalar.InPlace is null;

    /// <inheritdoc/>
    public override bool CanOverwrite(Apply node, int index)
    {
        var (x, y) = (node.Inputs[index], node.Outputs[0]);
        return Scalar.InPlace is not null && Scalar.InPlaceInputs.Contains(index) && Scalar.ComputeDType is null
               && Scalar.TypeFrom is null && x.DType == y.DType
               && x.Type.SameBroadcastable(y.Type);
    }

    /// <inheritdoc/>
    public override torch.Tensor PerformInPlace(Apply node, torch.Tensor[] inputs, int index)
    {
        CheckRuntimeBroadcast(node, inputs);
        var converted = Converted(node, inputs, node.Outputs[0].DType, keep: index);
        try
        {
            return Scalar.InPlace!(converted, index);
        }
        finally
        {
            DisposeConverted(converted, inputs);
        }
    }

    /// <summary>Unbatched inputs get a leading broadcastable axis; the function broadcasts over the batch.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        int rank = node.Outputs[0].Ndim;
        var lifted = inputs.Select(i => i.Batched
            ? i.Value
            : T.DimShuffle(i.Value, [-1, .. Enumerable.Range(0, i.Value.Ndim)])).ToArray();
        if (lifted.Any(v => v.Ndim != rank + 1))
        {
            return null;
        }
        if (Scalar.Name == "second" && !inputs[0].Batched)
        {
            // second(like, value) spreads value over the shape of like, which here lacks the batch axis.
            var like = inputs[0].Value;
            var lengths = Enumerable.Range(0, rank).Select(a => StructureSupport.Length(like, a));
            return [(T.Alloc(lifted[1], [T.ShapeI(lifted[1], 0), .. lengths]), true)];
        }
        return [(MakeNode(lifted).Outputs[0], true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        Pullback(node, outputGradients, AllWanted(node.Inputs.Count));

    /// <inheritdoc/>
    // The scalar rule builds every input's term; reducing a term to its input's shape (a sum and a dimshuffle for a
    // broadcast input, such as a constant) is skipped where the caller drops it.
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients, bool[] wanted)
    {
        var y = node.Outputs[0];
        bool complex = y.DType.IsComplex();
        foreach (var x in node.InputArray)
        {
            complex |= x.DType.IsComplex();
        }
        if (complex)
        {
            throw new NotSupportedException($"{this}: gradients of complex values are not supported");
        }
        var grads = Scalar.Pullback(RuleInputs(node), y, outputGradients[0]);
        // An integer input gets the gradient it would have as a float (Aesara's rule), in a float dtype.
        var result = new Variable?[node.Inputs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = wanted[i] && grads[i] is { } g ? ReduceTo(g, node.Inputs[i], y) : null;
        }
        return result;
    }

    /// <summary>
    /// The inputs as a derivative rule gets them: the rules of the engine's own table only read the array, so they get
    /// the node's own (no copy per node); a rule declared elsewhere gets a copy it may write into.
    /// </summary>
    private Variable[] RuleInputs(Apply node)
    {
        if (_ownRules == 0)
        {
            // One int, written whole: threads that race here compute the same answer.
            _ownRules = Scalar.Pullback.Method.Module.Assembly == typeof(Elemwise).Assembly
                && Scalar.Pushforward.Method.Module.Assembly == typeof(Elemwise).Assembly ? 1 : 2;
        }
        return _ownRules == 1 ? node.InputArray : node.Inputs.ToArray();
    }

    private int _ownRules;

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var y = node.Outputs[0];
        if (y.DType.IsDiscrete() || inputTangents.All(t => t is null))
        {
            return [null];
        }
        var dy = Scalar.Pushforward(RuleInputs(node), y, inputTangents);
        if (dy is null)
        {
            return [null];
        }
        // A tangent built from a broadcast input alone has that input's shape: spread it over the output.
        if (!dy.Type.SameBroadcastable(y.Type))
        {
            dy = T.Second(y, dy);
        }
        return [dy.DType == y.DType ? dy : T.Cast(dy, y.DType)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("scalar_op", Scalar.Name)];

    /// <inheritdoc/>
    // What the props compare, without building them (the merge compares the ops of nodes by the hundred thousand).
    public override bool Equals(object? obj) => obj is Elemwise other && other.Scalar.Name == Scalar.Name;

    /// <inheritdoc/>
    public override int GetHashCode() => base.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"Elemwise{{{Scalar.Name}}}";

    /// <summary>The DimShuffle order that puts back, as broadcastable axes, the <paramref name="summed"/> axes.</summary>
    private static int[] KeptAxes(int ndim, int[] summed)
    {
        // A plain loop in its own method: a closure here was allocated on every gradient of an element-wise node.
        var order = new int[ndim];
        for (int a = 0; a < ndim; a++)
        {
            int before = 0;
            foreach (int r in summed)
            {
                before += r < a ? 1 : 0;
            }
            order[a] = Array.IndexOf(summed, a) >= 0 ? -1 : a - before;
        }
        return order;
    }

    // Every input wanted, by arity (read only).
    private static readonly bool[][] s_allWanted = [[], [true], [true, true], [true, true, true]];

    private static bool[] AllWanted(int count) =>
        count < s_allWanted.Length ? s_allWanted[count] : Enumerable.Repeat(true, count).ToArray();

    /// <summary>
    /// Sums an output-shaped gradient over the axes along which <paramref name="x"/> was broadcast, and gives it
    /// x's dtype.
    /// </summary>
    private static Variable ReduceTo(Variable g, Variable x, Variable y)
    {
        int[] axes = [];
        for (int a = 0; a < x.Ndim; a++)
        {
            if (x.Type.Shape[a] == 1 && y.Type.Shape[a] != 1)
            {
                axes = [.. axes, a];
            }
        }
        if (axes.Length > 0)
        {
            g = T.DimShuffle(T.Sum(g, axes), KeptAxes(x.Ndim, axes));
        }
        else if (!g.Type.SameBroadcastable(x.Type) && g.Ndim == x.Ndim)
        {
            // g may be broadcastable where x is not (e.g. from a constant); spread it to x's shape.
            g = T.Second(x, g);
        }
        var dtype = x.DType.IsDiscrete() ? (g.DType.IsDiscrete() ? Config.FloatX : g.DType) : x.DType;
        return g.DType == dtype ? g : T.Cast(g, dtype);
    }

    /// <summary>
    /// The promoted dtype of the inputs: numpy's promotion of their dtypes, as Aesara's <c>upcast</c> computes it with
    /// the default <c>cast_policy='custom'</c> (it adds 0-d arrays, so numpy's value-based casting never applies).
    /// Python numbers take part with the dtype their constant was given when it was made (Aesara's
    /// <c>NumpyAutocaster</c>, see <see cref="T.Constant(double)"/>): int8 tensor * 2.0 is float32, int32 tensor * 2.0
    /// and float32 tensor * 0.1 are float64.
    /// </summary>
    internal static DType PromoteInputs(IReadOnlyList<Variable> inputs)
    {
        if (inputs.Count == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }
        var dtype = inputs[0].DType;
        for (int i = 1; i < inputs.Count; i++)
        {
            dtype = DTypes.Promote(dtype, inputs[i].DType);
        }
        return dtype;
    }

    private void CheckRuntimeBroadcast(Apply node, torch.Tensor[] inputs)
    {
        int ndim = node.Outputs[0].Ndim;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].dim() != ndim)
            {
                throw new ArgumentException(
                    $"{this}: input {i} expected rank {ndim}; got shape {Kernels.Kernels.Show(inputs[i].Lengths())}");
            }
        }
        for (int axis = 0; axis < ndim; axis++)
        {
            // Only axes where two inputs may differ at run time need a look at the values: libtorch would broadcast a
            // length-1 axis that Aesara's types say does not broadcast. Static lengths were checked upstream.
            int first = -1;
            bool unknown = false, compare = false;
            for (int i = 0; i < inputs.Length; i++)
            {
                var n = node.Inputs[i].Type.Shape[axis];
                if (n == 1)
                {
                    continue;
                }
                unknown |= n is null;
                compare |= first >= 0 && unknown;
                first = first < 0 ? i : first;
            }
            if (!compare)
            {
                continue;
            }
            long length = inputs[first].size(axis);
            for (int i = first + 1; i < inputs.Length; i++)
            {
                if (node.Inputs[i].Type.Shape[axis] != 1 && inputs[i].size(axis) != length)
                {
                    throw new ArgumentException(
                        $"{this}: input shapes {string.Join(" and ", inputs.Select(t => Kernels.Kernels.Show(t.Lengths())))} " +
                        $"do not match on axis {axis} ({length} != {inputs[i].size(axis)}); only axes of static length 1 " +
                        "broadcast");
                }
            }
        }
    }
}
