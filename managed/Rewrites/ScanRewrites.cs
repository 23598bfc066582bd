using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Ops.Scan;

namespace Gradient.Rewrites;

/// <summary>
/// Aesara's <c>scan_pushout_non_seq_operations</c>: computation in a loop's inner graph that depends only on
/// non-sequences (loop-invariant) is moved out of the loop, computed once before it and passed in as a new
/// non-sequence. Computation on constants alone stays inside (the inner graph's own constant folding handles it),
/// and so does anything that draws random numbers.
/// </summary>
public sealed class ScanPushout : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "scan_pushout_non_seqs";

    private enum Kind
    {
        Constant,
        Invariant,
        Variant,
    }

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        // The work is in its own method: its closures are allocated on entry, and this runs for every node.
        return node.Op is Scan op ? Pushout(node, op) : null;
    }

    private static Variable?[]? Pushout(Apply node, Scan op)
    {
        var kinds = new Dictionary<Variable, Kind>();
        var nonSeqs = new HashSet<Variable>();
        for (int i = 0; i < op.InnerInputs.Count; i++)
        {
            bool isNonSeq = i >= op.InnerNonSeqStart;
            kinds[op.InnerInputs[i]] = isNonSeq ? Kind.Invariant : Kind.Variant;
            if (isNonSeq)
            {
                nonSeqs.Add(op.InnerInputs[i]);
            }
        }
        Kind Of(Variable v) => kinds.TryGetValue(v, out var k) ? k : Kind.Constant;
        var order = GraphOrder.Toposort(op.InnerOutputs, op.InnerInputs.ToHashSet());
        foreach (var n in order)
        {
            var kind = n.Inputs.Select(Of).DefaultIfEmpty(Kind.Constant).Max();
            if (kind == Kind.Invariant && !n.Op.IsDeterministic)
            {
                kind = Kind.Variant;
            }
            foreach (var o in n.Outputs)
            {
                kinds[o] = kind;
            }
        }
        // The invariant values the loop reads: inputs of variant nodes, and inner outputs.
        var pushed = new List<Variable>();
        void Consider(Variable v)
        {
            if (v.Owner is not null && Of(v) == Kind.Invariant && !pushed.Contains(v))
            {
                pushed.Add(v);
            }
        }
        foreach (var n in order.Where(n => Of(n.Outputs[0]) == Kind.Variant))
        {
            foreach (var v in n.Inputs)
            {
                Consider(v);
            }
        }
        foreach (var v in op.InnerOutputs)
        {
            Consider(v);
        }
        if (pushed.Count == 0)
        {
            return null;
        }
        var outerOf = new Dictionary<Variable, Variable>();
        for (int q = 0; q < op.NNonSeqs; q++)
        {
            outerOf[op.InnerInputs[op.InnerNonSeqStart + q]] = node.Inputs[op.OuterNonSeq(q)];
        }
        var outerValues = ScanGraph.Replace(pushed, outerOf);
        var fresh = pushed.Select(v => ScanGraph.Fresh(v.Type, v.Name)).ToArray();
        var innerOutputs = ScanGraph.Replace(op.InnerOutputs, pushed.Zip(fresh).ToDictionary(p => p.First, p => p.Second));
        var moved = op.With([.. op.InnerInputs, .. fresh], innerOutputs);
        return moved.MakeNode([.. node.Inputs, .. outerValues]).Outputs.ToArray();
    }
}

/// <summary>
/// Aesara's <c>local_subtensor_merge</c>, for the case loops produce: <c>x[a:][i]</c> with a constant start a ≥ 0 is
/// <c>x[a + i]</c> (i ≥ 0) or <c>x[i]</c> (i &lt; 0), so that the last step of a loop's output reads the loop's trace
/// directly.
/// </summary>
public sealed class MergeSubtensorOfTail : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_subtensor_merge";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not Subtensor { IdxList.Count: 1 } outer || outer.Entries[0].IsSlice
            || node.Inputs[0].Owner is not { Op: Subtensor { IdxList.Count: 1 } inner } tail)
        {
            return null;
        }
        var slice = inner.Entries[0];
        if (!slice.IsSlice || slice.Stop is not null || slice.Step is not (null or 1) || slice.Start is < 0)
        {
            return null;
        }
        long i = outer.Entries[0].Index!.Value;
        long index = i < 0 ? i : (slice.Start ?? 0) + i;
        var merged = new Subtensor([index.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .Call(tail.Inputs[0]);
        return RewriteHelpers.One(RewriteHelpers.Fit(merged, node.Outputs[0]));
    }
}

/// <summary>
/// Aesara's <c>scan_save_mem</c> with its removal of unused outputs: a loop output nobody reads is dropped with what only
/// it needs (its recurrence, the sequences and non-sequences only it reads); a recurrent output read only at its last
/// step (<c>out[-1]</c>), or only by the loop itself, keeps only the rows its taps need instead of one row per step, so
/// that its memory no longer grows with the number of steps.
/// </summary>
public sealed class ScanSaveMemory : IGraphRewrite
{
    /// <inheritdoc/>
    public string Name => "scan_save_mem";

    /// <inheritdoc/>
    public bool Apply(FunctionGraph graph)
    {
        bool changed = false;
        // One client index for all the loops, kept up to date by the replacements (rebuilding it per loop, or per
        // replacement, made graphs with many loops quadratic).
        Dictionary<Variable, List<(Apply? Node, int Index)>>? clients = null;
        // The cached order, not a copy of it (the rule visits every graph compiled, most of them without a loop).
        var loops = new List<Apply>();
        foreach (var node in graph.Nodes)
        {
            if (node.Op is Scan)
            {
                loops.Add(node);
            }
        }
        foreach (var node in loops)
        {
            changed |= Rewrite(graph, node, clients ??= graph.Clients());
        }
        return changed;
    }

    private static bool IsFinal(Apply? reader, Scan op) =>
        reader is { Op: Subtensor { IdxList.Count: 1 } s } && !s.Entries[0].IsSlice
        && s.Entries[0].Index == (op.Reverse ? 0 : -1);

    /// <summary>The read of a checkpointed loop's trace at its own checkpoints (what its gradient reads).</summary>
    private static bool IsCheckpoints(Apply? reader, Scan op, int output) =>
        reader is { Op: ScanCheckpoints c } && c.Every == op.Checkpoint && c.Window == op.Window(output);

    private static bool Rewrite(FunctionGraph graph, Apply node,
        Dictionary<Variable, List<(Apply? Node, int Index)>> clients)
    {
        var op = (Scan)node.Op;
        var readers = node.Outputs.Select(o => clients.GetValueOrDefault(o) ?? []).ToArray();
        bool[] usedOutside = readers.Select(r => r.Count > 0).ToArray();
        bool[] finalOnly = readers.Select((r, o) => op.LastOnly[o] || (r.Count > 0 && r.All(c => IsFinal(c.Node, op))))
            .ToArray();
        // A checkpointed loop's trace read only at its checkpoints (and maybe at its last step) keeps those alone.
        bool[] checkpointsOnly = readers.Select((r, o) => op.CheckpointsOnly[o]
            || (op.Checkpoint > 0 && o < op.NRec && !finalOnly[o] && r.Any(c => IsCheckpoints(c.Node, op, o))
                && r.All(c => IsFinal(c.Node, op) || IsCheckpoints(c.Node, op, o)))).ToArray();

        // The inner outputs the loop must still compute: those read outside, the condition, and the recurrences
        // their graphs read, to a fixed point.
        var inputIndex = op.InnerInputs.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        int RecOf(int innerInput)
        {
            for (int k = 0; k < op.NRec; k++)
            {
                if (innerInput >= op.TapStart(k) && innerInput < op.TapStart(k) + op.Taps[k].Count)
                {
                    return k;
                }
            }
            return -1;
        }
        var needed = new bool[op.NOuts];
        var work = new Stack<Variable>();
        for (int o = 0; o < op.NOuts; o++)
        {
            if (usedOutside[o])
            {
                needed[o] = true;
                work.Push(op.InnerOutputs[o]);
            }
        }
        if (op.AsWhile)
        {
            work.Push(op.InnerOutputs[^1]);
        }
        var readInputs = new HashSet<int>();
        while (work.Count > 0)
        {
            foreach (var root in GraphOrder.GraphInputs([work.Pop()], inputIndex.Keys.ToHashSet()))
            {
                if (!inputIndex.TryGetValue(root, out int i) || !readInputs.Add(i))
                {
                    continue;
                }
                if (RecOf(i) is >= 0 and var k && !needed[k])
                {
                    needed[k] = true;
                    work.Push(op.InnerOutputs[k]);
                }
            }
        }
        var keepRec = Enumerable.Range(0, op.NRec).Where(k => needed[k]).ToArray();
        var keepMap = Enumerable.Range(0, op.NNitSot).Where(m => needed[op.NRec + m]).ToArray();
        var keepSeq = Enumerable.Range(0, op.NSeqs).Where(readInputs.Contains).ToArray();
        var keepNonSeq = Enumerable.Range(0, op.NNonSeqs).Where(q => readInputs.Contains(op.InnerNonSeqStart + q)).ToArray();
        var keepOut = keepRec.Concat(keepMap.Select(m => op.NRec + m)).ToArray();
        var keepCheckpoints = keepOut.Select(o => checkpointsOnly[o]).ToArray();
        var lastOnly = keepOut.Select(o => !checkpointsOnly[o] && (finalOnly[o] || !usedOutside[o])).ToArray();
        bool same = keepOut.Length == op.NOuts && keepSeq.Length == op.NSeqs && keepNonSeq.Length == op.NNonSeqs
                    && lastOnly.SequenceEqual(op.LastOnly) && keepCheckpoints.SequenceEqual(op.CheckpointsOnly);
        if (same || keepOut.Length == 0)
        {
            return false;
        }

        Variable[] innerInputs =
        [
            .. keepSeq.Select(j => op.InnerInputs[j]),
            .. keepRec.SelectMany(k => op.InnerInputs.Skip(op.TapStart(k)).Take(op.Taps[k].Count)),
            .. keepNonSeq.Select(q => op.InnerInputs[op.InnerNonSeqStart + q]),
        ];
        Variable[] innerOutputs =
        [
            .. keepOut.Select(o => op.InnerOutputs[o]),
            .. op.AsWhile ? [op.InnerOutputs[^1]] : Array.Empty<Variable>(),
        ];
        var pruned = op.With(innerInputs, innerOutputs, keepSeq.Length, keepRec.Select(k => op.Taps[k]).ToArray(),
            keepMap.Length, lastOnly, keepCheckpoints);
        var rebuilt = pruned.MakeNode(
        [
            node.Inputs[0],
            .. keepSeq.Select(j => node.Inputs[Scan.OuterSeqStart + j]),
            .. keepRec.Select(k => node.Inputs[op.OuterInit(k)]),
            .. keepNonSeq.Select(q => node.Inputs[op.OuterNonSeq(q)]),
        ]);
        for (int i = 0; i < keepOut.Length; i++)
        {
            int o = keepOut[i];
            if (!usedOutside[o])
            {
                continue;
            }
            if (keepCheckpoints[i] && !op.CheckpointsOnly[o])
            {
                foreach (var (reader, _) in readers[o])
                {
                    // The last step is the last entry's last row.
                    var value = IsCheckpoints(reader, op, o)
                        ? rebuilt.Outputs[i]
                        : ScanGraph.Index(rebuilt.Outputs[i], "-1", "-1");
                    graph.Replace(reader!.Outputs[0], RewriteHelpers.Fit(value, reader.Outputs[0]) ?? value, clients);
                }
            }
            else if (lastOnly[i] && !op.LastOnly[o])
            {
                foreach (var (reader, _) in readers[o])
                {
                    graph.Replace(reader!.Outputs[0], rebuilt.Outputs[i], clients);
                }
            }
            else
            {
                graph.Replace(node.Outputs[o], rebuilt.Outputs[i], clients);
            }
        }
        return true;
    }
}
