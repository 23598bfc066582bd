using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.Scan;

/// <summary>
/// The gradient of a checkpointed loop: back-propagation through time over blocks of <see cref="Checkpoint"/> steps,
/// each block recomputed from the state it starts from.
/// </summary>
public sealed partial class Scan
{
    /// <summary>
    /// BPTT for a checkpointed loop, as one reverse <see cref="Scan"/> over blocks of k = <see cref="Checkpoint"/> steps
    /// (the last block shorter when k does not divide the number of steps). It reads, per block, only the w states the
    /// block starts from (<see cref="ScanCheckpoints"/>); its step runs the block forward again (an inner plain loop of
    /// at most k steps from those states), then back-propagates through it with that loop's own reverse loop, given the
    /// output gradients of the block's steps and the gradient the later blocks owe to the block's last w states. It
    /// carries that owed gradient and the non-sequences' gradients, and emits the block's rows of the sequences'
    /// gradients. Everything is an ordinary loop, so second derivatives differentiate it again (recomputing in turn).
    /// </summary>
    private Variable?[] CheckpointedPullback(Apply node, Variable?[] gt, Variable?[] gz, Variable n)
    {
        var result = new Variable?[node.Inputs.Count];
        int every = Checkpoint;
        var k = ScanGraph.Long(every);
        var one = ScanGraph.Long(1);
        var zero = ScanGraph.Long(0);
        var blocks = T.IntDiv(n + (k - one), k);
        bool truncated = TruncateGradient >= 0;
        // Truncated: the reverse pass covers steps offset..n-1; its first block may start before the cut.
        var nB = truncated ? T.Minimum(n, ScanGraph.Long(TruncateGradient)) : n;
        var offset = truncated ? n - nB : zero;
        var firstBlock = truncated ? T.IntDiv(offset, k) : zero;

        var floatRec = Enumerable.Range(0, NRec).Where(r => ScanGraph.IsFloat(node.Outputs[r])).ToArray();
        var floatNonSeq = Enumerable.Range(0, NNonSeqs)
            .Where(q => ScanGraph.IsFloat(_innerInputs[InnerNonSeqStart + q])).ToArray();
        var floatSeqs = Enumerable.Range(0, NSeqs).Where(j => ScanGraph.IsFloat(_innerInputs[j])).ToArray();
        var block = BlockLoop();

        // Sequences of the loop over blocks: the block's index and, per recurrent output, the states it starts from.
        var index = ScanGraph.Fresh(new TensorType(DType.Int64, []), "block");
        var seqInner = new List<Variable> { index };
        var seqOuter = new List<Variable> { T.ARange(firstBlock, blocks, one, DType.Int64) };
        var starts = new Variable[NRec];
        for (int r = 0; r < NRec; r++)
        {
            var state = StateType(r);
            starts[r] = ScanGraph.Fresh(new TensorType(state.DType, [Window(r), .. state.Shape]), "checkpoint");
            var entries = new ScanCheckpoints(every, Window(r)).Call(node.Outputs[r]);
            seqInner.Add(starts[r]);
            seqOuter.Add(truncated
                ? T.AdvancedSubtensor1(entries, T.ARange(firstBlock, blocks, one, DType.Int64))
                : ScanGraph.Index(entries, ":-1"));
        }
        // Carried: the gradient owed to each block's last w states, and the non-sequences' gradients so far.
        var owed = floatRec.Select(r => ScanGraph.FreshLike(starts[r], "_grad")).ToArray();
        var pbar = floatNonSeq.Select(q => ScanGraph.FreshLike(_innerInputs[InnerNonSeqStart + q], "_grad")).ToArray();
        // Non-sequences: the whole sequences, output gradients and non-sequences, sliced per block inside.
        var nInner = ScanGraph.Fresh(n.Type, "n_steps");
        var nonSeqInner = new List<Variable> { nInner };
        var nonSeqOuter = new List<Variable> { n };
        Variable? offsetInner = null;
        if (truncated)
        {
            offsetInner = ScanGraph.Fresh(offset.Type, "offset");
            nonSeqInner.Add(offsetInner);
            nonSeqOuter.Add(offset);
        }
        Variable Whole(Variable outer, string name)
        {
            var inner = ScanGraph.Fresh(outer.Type, outer.Name is null ? name : outer.Name);
            nonSeqInner.Add(inner);
            nonSeqOuter.Add(outer);
            return inner;
        }
        var xs = Enumerable.Range(0, NSeqs).Select(j => Whole(node.Inputs[1 + j], "sequence")).ToArray();
        var gtWhole = gt.Select(g => g is null ? null : Whole(g, "trace_grad")).ToArray();
        var gzWhole = gz.Select(g => g is null ? null : Whole(g, "output_grad")).ToArray();
        var ps = Enumerable.Range(0, NNonSeqs).Select(q => Whole(node.Inputs[OuterNonSeq(q)], "non_sequence")).ToArray();

        // The step: block `index` covers steps start..start+length-1; back-propagation starts at its local step cut.
        var start = index * k;
        var length = T.Minimum(k, nInner - start);
        Variable Rows(Variable whole, Variable from, Variable to) =>
            T.AdvancedSubtensor1(whole, T.ARange(from, to, one, DType.Int64));
        var seqRows = xs.Select(x => Rows(x, start, start + length)).ToArray();
        var forward = block.MakeNode([length, .. seqRows, .. starts, .. ps]);
        var cut = truncated ? T.Maximum(offsetInner! - start, zero) : null;
        var run = forward;
        var steps = length;
        if (cut is not null)
        {
            // The same loop from the cut on: its outputs are the block's from the cut, its initial states the block's
            // states before the cut (whose gradients the truncation drops).
            steps = length - cut;
            run = block.MakeNode([steps, .. seqRows.Select(x => Rows(x, cut, length)),
                .. Enumerable.Range(0, NRec).Select(r => Rows(forward.Outputs[r], cut, cut + ScanGraph.Long(Window(r)))),
                .. ps]);
        }
        var from = cut is null ? start : start + cut;
        var outputGradients = new Variable[block.NOuts];
        for (int r = 0; r < NRec; r++)
        {
            if (!floatRec.Contains(r))
            {
                outputGradients[r] = T.ZerosLike(run.Outputs[r]);
                continue;
            }
            var w = ScanGraph.Long(Window(r));
            var initialRows = ScanGraph.ZeroRows(starts[r], w);
            var stepRows = gtWhole[r] is { } g ? Rows(g, w + from, w + start + length) : ScanGraph.ZeroRows(starts[r], steps);
            var owedRows = T.Join(0, ScanGraph.ZeroRows(starts[r], steps), owed[Array.IndexOf(floatRec, r)]);
            outputGradients[r] = T.Join(0, initialRows, stepRows) + owedRows;
        }
        for (int m = 0; m < NNitSot; m++)
        {
            outputGradients[NRec + m] = gzWhole[m] is { } g
                ? Rows(g, from, start + length)
                : T.ZerosLike(run.Outputs[NRec + m]);
        }
        var grads = block.Pullback(run, outputGradients);

        var newOwed = floatRec.Select((r, i) =>
            ScanGraph.As(grads[OuterInit(r)] ?? T.ZerosLike(owed[i]), owed[i].DType)).ToArray();
        var newPbar = floatNonSeq.Select((q, i) => grads[OuterNonSeq(q)] is { } g
            ? ScanGraph.As(pbar[i] + g, pbar[i].DType)
            : pbar[i]).ToArray();
        var xbar = floatSeqs.Select(j =>
        {
            var rows = grads[1 + j] ?? T.ZerosLike(seqRows[j]);
            var pieces = new List<Variable>();
            if (cut is not null)
            {
                pieces.Add(ScanGraph.ZeroRows(seqRows[j], cut));
            }
            pieces.Add(ScanGraph.As(rows, seqRows[j].DType));
            // Every block emits k rows, so that the rows stack; the last block's padding is cut off below.
            pieces.Add(ScanGraph.ZeroRows(seqRows[j], k - length));
            return T.Join(0, pieces.ToArray());
        }).ToArray();

        var loop = new Scan(
            [.. seqInner, .. owed, .. pbar, .. nonSeqInner],
            [.. newOwed, .. newPbar, .. xbar],
            seqInner.Count,
            Enumerable.Repeat<IReadOnlyList<int>>([-1], owed.Length + pbar.Length).ToArray(),
            xbar.Length, reverse: true, name: Name is null ? "grad_of_scan_fn" : $"grad_of_{Name}");
        var inits = floatRec.Select(r => ScanGraph.PadLeft(T.ZerosLike(node.Inputs[OuterInit(r)])))
            .Concat(floatNonSeq.Select(q => ScanGraph.PadLeft(T.ZerosLike(node.Inputs[OuterNonSeq(q)]))));
        var back = loop.MakeNode([blocks - firstBlock, .. seqOuter, .. inits, .. nonSeqOuter]);

        Variable Final(Variable trace) => ScanGraph.Index(trace, "0");
        for (int i = 0; i < floatSeqs.Length; i++)
        {
            int j = floatSeqs[i];
            var x = node.Inputs[1 + j];
            var stacked = back.Outputs[loop.NRec + i];
            // The row shape from x: a loop that ran no block does not know it.
            var flat = ScanGraph.AsRowsOf(stacked, x);
            var pieces = new List<Variable>();
            if (truncated)
            {
                pieces.Add(ScanGraph.ZeroRows(x, firstBlock * k));
            }
            pieces.Add(T.AdvancedSubtensor1(flat, T.ARange(zero, n - firstBlock * k, one, DType.Int64)));
            pieces.Add(ScanGraph.ZeroRows(x, ScanGraph.Rows(x) - n));
            result[1 + j] = T.Join(0, pieces.ToArray());
        }
        for (int i = 0; i < floatRec.Length; i++)
        {
            int r = floatRec[i];
            var init = node.Inputs[OuterInit(r)];
            var g = Final(back.Outputs[i]);
            if (truncated)
            {
                g *= T.Cast(T.Eq(nB, n), g.DType);
            }
            if (gt[r] is { } direct)
            {
                // The trace's own initial rows pass their gradient straight through.
                g += Window(r) == 1
                    ? ScanGraph.PadLeft(ScanGraph.Index(direct, "0"))
                    : ScanGraph.Index(direct, $":{Window(r)}");
            }
            result[OuterInit(r)] = ScanGraph.As(g, init.DType);
        }
        for (int i = 0; i < floatNonSeq.Length; i++)
        {
            int q = floatNonSeq[i];
            result[OuterNonSeq(q)] = ScanGraph.As(Final(back.Outputs[floatRec.Length + i]), node.Inputs[OuterNonSeq(q)].DType);
        }
        return result;
    }

    /// <summary>
    /// The loop a checkpointed loop's gradient recomputes each block with: the same step as a plain loop of a given
    /// number of steps (no condition: the block runs exactly the steps the loop ran), not checkpointed, not truncated.
    /// </summary>
    private Scan BlockLoop() =>
        new(_innerInputs, _innerOutputs.Take(NOuts).ToArray(), NSeqs, _taps, NNitSot,
            name: Name is null ? "block_of_scan_fn" : $"block_of_{Name}");
}
