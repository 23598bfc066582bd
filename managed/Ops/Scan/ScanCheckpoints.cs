using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Scan;

/// <summary>
/// The states a checkpointed loop's gradient reads: from a forward trace <c>(w + n, *state)</c> (w initial rows, then
/// one row per step) the w states before each block of <see cref="Every"/> = k steps, and the last w states. Output
/// <c>(⌈n/k⌉ + 1, w, *state)</c>: entry b holds trace rows <c>min(b·k, n)</c> to <c>min(b·k, n) + w - 1</c>, so entry
/// b &lt; ⌈n/k⌉ is what block b starts from and the last entry is what the loop ended with.
/// </summary>
/// <remarks>
/// Linear (a gather): the pullback adds the entries' gradients into zeros shaped like the trace, the pushforward takes
/// the checkpoints of the tangent. The op exists so that the rewrites recognise the read: a trace read only through it
/// (and at its last step) is never stored whole, the loop keeps these entries alone
/// (<see cref="Scan.CheckpointsOnly"/>).
/// </remarks>
public sealed class ScanCheckpoints : Op
{
    /// <summary>Creates the read of every <paramref name="every"/>-th state, <paramref name="window"/> rows each.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1.</exception>
    public ScanCheckpoints(int every, int window)
    {
        if (every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(every), every,
                "ScanCheckpoints: every must be a number of steps >= 1");
        }
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window,
                "ScanCheckpoints: window must be a number of rows >= 1");
        }
        Every = every;
        Window = window;
    }

    /// <summary>The number of steps between two checkpoints (k).</summary>
    public int Every { get; }

    /// <summary>The number of consecutive states kept per checkpoint (w, the loop's largest tap distance).</summary>
    public int Window { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("every", Every), new("window", Window)];

    /// <summary>The number of entries for <paramref name="steps"/> steps: ⌈steps/k⌉ + 1.</summary>
    public static long Entries(long steps, int every) => (steps + every - 1) / every + 1;

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var trace = inputs[0];
        if (trace.Ndim < 1)
        {
            throw new ArgumentException($"{this}: expected a trace with a time axis; got {trace.Type}");
        }
        long? entries = null;
        if (trace.Type.Shape[0] is long rows)
        {
            if (rows < Window)
            {
                throw new ArgumentException($"{this}: the trace has {rows} rows, fewer than the {Window} initial ones");
            }
            entries = Entries(rows - Window, Every);
        }
        return new Apply(this, [trace], [new TensorType(trace.DType, [entries, Window, .. trace.Type.Shape.Skip(1)])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var trace = inputs[0];
        long steps = trace.shape[0] - Window;
        if (steps < 0)
        {
            throw new ArgumentException(
                $"{this}: the trace has {trace.shape[0]} rows, fewer than the {Window} initial ones");
        }
        using var scope = torch.NewDisposeScope();
        using var rows = Rows(steps, trace.device);
        var picked = trace.index_select(0, rows);
        return [picked.reshape([Entries(steps, Every), Window, .. trace.shape[1..]]).MoveToOuterDisposeScope()];
    }

    /// <summary>The trace rows the entries hold, entry by entry.</summary>
    private torch.Tensor Rows(long steps, torch.Device device)
    {
        long entries = Entries(steps, Every);
        var rows = new long[entries * Window];
        for (long b = 0; b < entries; b++)
        {
            long start = Math.Min(b * Every, steps);
            for (int i = 0; i < Window; i++)
            {
                rows[(b * Window) + i] = start + i;
            }
        }
        return torch.tensor(rows, torch.ScalarType.Int64, device: device);
    }

    /// <summary>The entries' gradients added into zeros shaped like the trace (entries may share rows when k &lt; w).</summary>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var trace = node.Inputs[0];
        if (trace.DType.IsDiscrete())
        {
            return [null];
        }
        var steps = T.ShapeI(trace, 0) - StructureSupport.Long(Window);
        var k = StructureSupport.Long(Every);
        var entries = T.IntDiv(steps + (k - StructureSupport.Long(1)), k) + StructureSupport.Long(1);
        var starts = T.Minimum(T.ARange(StructureSupport.Long(0), entries, StructureSupport.Long(1), DType.Int64) * k,
            steps);
        var offsets = T.ARange(StructureSupport.Long(0), StructureSupport.Long(Window), StructureSupport.Long(1),
            DType.Int64);
        var rows = T.Flatten(T.DimShuffle(starts, [0, -1]) + T.DimShuffle(offsets, [-1, 0]));
        var flat = T.Reshape(outputGradients[0], T.MakeVector(
            [StructureSupport.Long(-1), .. Enumerable.Range(1, trace.Ndim - 1).Select(a => StructureSupport.Length(trace, a))]));
        return [T.AdvancedIncSubtensor1(T.ZerosLike(trace), ScanGraph.As(flat, trace.DType), rows)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <summary>Time first for the gather, then the batch axis (third in the result) back to the front.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        var timeFirst = T.DimShuffle(x, [1, 0, .. Enumerable.Range(2, x.Ndim - 2)]);
        return [(BatchSupport.ToFront(Call(timeFirst), 2), true)];
    }

    /// <summary>A copy of the entries, never a view of the trace.</summary>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"ScanCheckpoints{{every={Every}, window={Window}}}";
}
