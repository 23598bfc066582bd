using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>IncSubtensor</c>: inputs <c>(x, y)</c>; the result is x with <c>x[idx]</c> incremented by y
/// (<c>inc_subtensor</c>) or replaced by it (<see cref="SetInsteadOfInc"/>, <c>set_subtensor</c>). y broadcasts to
/// the indexed shape along axes it lacks or where its static length is 1. It is the pullback of
/// <see cref="Subtensor"/>, and linear in (x, y): the pullback passes gz to x (with the indexed part zeroed when
/// setting) and <c>gz[idx]</c>, summed over y's broadcast axes, to y.
/// </summary>
public sealed class IncSubtensor(IReadOnlyList<string> idxList, bool setInsteadOfInc) : Op
{
    /// <summary>The index entries in numpy notation.</summary>
    public IReadOnlyList<string> IdxList { get; } = idxList.Select(s => IndexEntry.Parse(s).ToString()).ToArray();

    /// <summary>True: replace the indexed part; false: add to it.</summary>
    public bool SetInsteadOfInc { get; } = setInsteadOfInc;

    /// <summary>The parsed entries.</summary>
    public IReadOnlyList<IndexEntry> Entries => IdxList.Select(IndexEntry.Parse).ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("idx_list", IdxList), new("set_instead_of_inc", SetInsteadOfInc)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, y) = (inputs[0], inputs[1]);
        var target = Subtensor.OutputShape(this, Entries, x.Type);
        if (y.Ndim > target.Length)
        {
            throw new ArgumentException($"{this}: value {y.Type} has more axes than the indexed part {TensorType.Show(target)}");
        }
        for (int i = 1; i <= y.Ndim; i++)
        {
            if (y.Type.Shape[^i] is long have && have != 1 && target[^i] is long want && have != want)
            {
                throw new ArgumentException(
                    $"{this}: value {y.Type} does not broadcast to the indexed shape {TensorType.Show(target)}");
            }
        }
        if (!DTypes.CanCastSafely(y.DType, x.DType))
        {
            throw new ArgumentException($"{this}: cannot store {y.DType.Name()} values in {x.Type} without loss");
        }
        return new Apply(this, [x, y], [x.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var (x, y) = (inputs[0], inputs[1]);
        var yType = node.Inputs[1].Type;
        // Only axes whose static length is 1 broadcast, as in Elemwise, so that the pullback knows what to sum.
        using (var probe = Kernels.Kernels.Subtensor(x, Entries))
        {
            for (int i = 1; i <= y.dim(); i++)
            {
                if (y.Lengths()[^i] != probe.Lengths()[^i] && yType.Shape[^i] != 1)
                {
                    throw new ArgumentException(
                        $"{this}: value of shape {Kernels.Kernels.Show(y.Lengths())} does not match the indexed shape " +
                        $"{Kernels.Kernels.Show(probe.Lengths())}; only axes of static length 1 broadcast");
                }
            }
        }
        return [Kernels.Kernels.IncSubtensor(x, y, Entries, SetInsteadOfInc)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        Variable? gx = x.DType.IsDiscrete() ? null
            : SetInsteadOfInc ? new IncSubtensor(IdxList, true).Call(gz, T.Cast(T.Constant(0L), gz.DType))
            : gz;
        Variable? gy = null;
        if (!y.DType.IsDiscrete())
        {
            var part = new Subtensor(IdxList).Call(gz);
            int extra = part.Ndim - y.Ndim;
            var axes = Enumerable.Range(0, part.Ndim)
                .Where(a => a < extra || (y.Type.Shape[a - extra] == 1 && part.Type.Shape[a] != 1)).ToArray();
            if (axes.Length > 0)
            {
                part = T.Sum(part, axes);
                // Put back y's broadcastable axes that the sum removed.
                int kept = 0;
                var order = Enumerable.Range(0, y.Ndim).Select(a => axes.Contains(a + extra) ? -1 : kept++).ToArray();
                part = T.DimShuffle(part, order);
            }
            gy = part.DType == y.DType ? part : T.Cast(part, y.DType);
        }
        return [gx, gy];
    }

    /// <summary>x is broadcast to the batch if needed; y is written under a full slice over the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = BatchSupport.Materialize(inputs[0], BatchSupport.Length(inputs));
        int rank = Subtensor.OutputShape(this, Entries, node.Inputs[0].Type).Length;
        var y = BatchSupport.ValueFor(inputs[1], rank, 0);
        return [(new IncSubtensor([":", .. IdxList], SetInsteadOfInc).Call(x, y), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (dx, dy) = (inputTangents[0], inputTangents[1]);
        if (dx is null && dy is null)
        {
            return [null];
        }
        var (x, y) = (node.Inputs[0], node.Inputs[1]);
        var result = Call(dx ?? T.ZerosLike(x), dy ?? T.ZerosLike(y));
        return [result.DType == x.DType ? result : T.Cast(result, x.DType)];
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(SetInsteadOfInc ? "SetSubtensor" : "IncSubtensor")}{{{string.Join(", ", IdxList)}}}";
}
