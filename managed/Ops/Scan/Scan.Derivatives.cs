using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.Scan;

/// <summary>
/// The loop's derivatives. Reverse mode (back-propagation through time) is one loop that runs the steps backwards over
/// the stored forward values; forward mode is one loop that runs with the forward one. Both are <see cref="Scan"/>s
/// themselves, so they can be differentiated again (gradients of gradients, Hessian-vector products).
/// </summary>
public sealed partial class Scan
{
    /// <summary>
    /// Back-propagation through time as one reverse <see cref="Scan"/>. Step s of the reverse loop takes, as
    /// sequences, the values forward step s read (sequence rows, the tapped rows of the stored traces) and produced
    /// (which stand in for the inner outputs, so that e.g. <c>tanh</c>'s derivative reuses the stored value instead
    /// of recomputing the step), and the output gradients of that step. It carries, per recurrent output, the
    /// gradient still to be delivered to the last <c>w</c> values (the taps of later steps have already added to it),
    /// and per non-sequence the gradient summed so far. It emits each sequence row's gradient. After the last reverse
    /// step the carried gradients are those of the initial values and of the non-sequences. With
    /// <see cref="TruncateGradient"/> = k the reverse loop runs over the last k steps only: earlier sequence rows and
    /// the initial values (unless k reaches back to them) get no gradient.
    /// </summary>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        RequireFullOutputs("differentiate");
        var result = new Variable?[node.Inputs.Count];
        var n = StepsOf(node);
        var gt = new Variable?[NRec];
        var gz = new Variable?[NNitSot];
        for (int k = 0; k < NRec; k++)
        {
            if (ScanGraph.IsFloat(node.Outputs[k]) && !ScanGraph.IsZero(outputGradients[k]))
            {
                gt[k] = ScanGraph.As(outputGradients[k], node.Outputs[k].DType);
            }
        }
        for (int m = 0; m < NNitSot; m++)
        {
            var o = node.Outputs[NRec + m];
            if (ScanGraph.IsFloat(o) && !ScanGraph.IsZero(outputGradients[NRec + m]))
            {
                gz[m] = ScanGraph.As(outputGradients[NRec + m], o.DType);
            }
        }
        if (n is null || (gt.All(g => g is null) && gz.All(g => g is null)))
        {
            for (int i = 1; i < node.Inputs.Count; i++)
            {
                result[i] = ScanGraph.IsFloat(node.Inputs[i]) ? T.ZerosLike(node.Inputs[i]) : null;
            }
            return result;
        }
        if (Checkpoint > 0)
        {
            return CheckpointedPullback(node, gt, gz, n);
        }

        bool truncated = TruncateGradient >= 0;
        var nB = truncated ? T.Minimum(n, ScanGraph.Long(TruncateGradient)) : n;
        var offset = truncated ? n - nB : null;
        Variable Time(Variable seq) =>
            truncated ? T.AdvancedSubtensor1(seq, T.ARange(offset!, n, ScanGraph.Long(1), DType.Int64)) : seq;

        var seqInner = new List<Variable>();
        var seqOuter = new List<Variable>();
        void AddSeq(Variable inner, Variable outer)
        {
            seqInner.Add(inner);
            seqOuter.Add(Time(outer));
        }
        var map = new Dictionary<Variable, Variable>();
        var xs = new Variable[NSeqs];
        for (int j = 0; j < NSeqs; j++)
        {
            xs[j] = ScanGraph.FreshLike(_innerInputs[j]);
            map[_innerInputs[j]] = xs[j];
            AddSeq(xs[j], node.Inputs[1 + j]);
        }
        var taps = new Variable[NRec][];
        for (int k = 0; k < NRec; k++)
        {
            taps[k] = new Variable[_taps[k].Length];
            for (int i = 0; i < _taps[k].Length; i++)
            {
                var tapInput = _innerInputs[TapStart(k) + i];
                taps[k][i] = ScanGraph.FreshLike(tapInput);
                map[tapInput] = taps[k][i];
                AddSeq(taps[k][i], TraceTap(node.Outputs[k], k, _taps[k][i]));
            }
        }
        var stored = StoredValues(node, AddSeq);
        var gzInner = new Variable?[NNitSot];
        for (int m = 0; m < NNitSot; m++)
        {
            if (gz[m] is { } g)
            {
                gzInner[m] = ScanGraph.Fresh(_innerOutputs[NRec + m].Type);
                AddSeq(gzInner[m]!, g);
            }
        }
        var gtInner = new Variable?[NRec];
        for (int k = 0; k < NRec; k++)
        {
            if (gt[k] is { } g)
            {
                gtInner[k] = ScanGraph.Fresh(StateType(k));
                AddSeq(gtInner[k]!, TraceSteps(g, k));
            }
        }

        var floatRec = Enumerable.Range(0, NRec).Where(k => ScanGraph.IsFloat(node.Outputs[k])).ToArray();
        var floatNonSeq = Enumerable.Range(0, NNonSeqs)
            .Where(q => ScanGraph.IsFloat(_innerInputs[InnerNonSeqStart + q])).ToArray();
        var acc = new Variable[NRec];
        foreach (int k in floatRec)
        {
            var state = StateType(k);
            acc[k] = ScanGraph.Fresh(Window(k) == 1 ? state : new TensorType(state.DType, [Window(k), .. state.Shape]));
        }
        var pbar = new Variable[NNonSeqs];
        var ps = new Variable[NNonSeqs];
        for (int q = 0; q < NNonSeqs; q++)
        {
            var inner = _innerInputs[InnerNonSeqStart + q];
            ps[q] = ScanGraph.FreshLike(inner);
            map[inner] = ps[q];
            pbar[q] = ScanGraph.FreshLike(inner, "_grad");
        }

        // One step of the reverse loop: the gradient of <outputs, their gradients> with respect to what the step read.
        var outs = ScanGraph.Replace(_innerOutputs.Take(NOuts).ToArray(), map);
        var terms = new List<Variable>();
        foreach (int k in floatRec)
        {
            var ybar = Current(acc[k], k);
            if (gtInner[k] is { } direct)
            {
                ybar += direct;
            }
            terms.Add(T.Sum(outs[k] * ybar));
        }
        for (int m = 0; m < NNitSot; m++)
        {
            if (gzInner[m] is { } g)
            {
                terms.Add(T.Sum(outs[NRec + m] * g));
            }
        }
        var floatSeqs = Enumerable.Range(0, NSeqs).Where(j => ScanGraph.IsFloat(xs[j])).ToArray();
        Variable[] wrt = [.. floatSeqs.Select(j => xs[j]), .. floatRec.SelectMany(k => taps[k]),
            .. floatNonSeq.Select(q => ps[q])];
        var grads = Autodiff.Grad(ScanGraph.Sum(terms)!, wrt, new GradOptions
        {
            DisconnectedInputs = DisconnectedPolicy.Ignore,
            ReturnDisconnected = ReturnDisconnected.Zero,
            AddNames = false,
        });
        grads = ScanGraph.Replace(grads, Substitutions(outs, stored));
        int at = 0;
        var xbar = floatSeqs.Select(j => ScanGraph.As(grads[at++], xs[j].DType)).ToArray();
        var newAcc = new List<Variable>();
        foreach (int k in floatRec)
        {
            var c = _taps[k].Select(_ => grads[at++]).ToArray();
            newAcc.Add(Shifted(acc[k], k, c));
        }
        var newPbar = floatNonSeq.Select(q => ScanGraph.As(pbar[q] + grads[at++], pbar[q].DType)).ToArray();

        var reverse = new Scan(
            [.. seqInner, .. floatRec.Select(k => acc[k]), .. floatNonSeq.Select(q => pbar[q]), .. ps],
            [.. newAcc, .. newPbar, .. xbar],
            seqInner.Count,
            Enumerable.Repeat<IReadOnlyList<int>>([-1], floatRec.Length + floatNonSeq.Length).ToArray(),
            xbar.Length, reverse: !Reverse, name: Name is null ? "grad_of_scan_fn" : $"grad_of_{Name}");
        var inits = floatRec.Select(k =>
        {
            var zeros = T.ZerosLike(node.Inputs[OuterInit(k)]);
            return Window(k) == 1 ? zeros : ScanGraph.PadLeft(zeros);
        }).Concat(floatNonSeq.Select(q => ScanGraph.PadLeft(T.ZerosLike(node.Inputs[OuterNonSeq(q)]))));
        var back = reverse.MakeNode([nB, .. seqOuter, .. inits,
            .. Enumerable.Range(0, NNonSeqs).Select(q => node.Inputs[OuterNonSeq(q)])]);

        Variable Final(Variable trace) => ScanGraph.Index(trace, reverse.Reverse ? "0" : "-1");
        for (int i = 0; i < floatSeqs.Length; i++)
        {
            int j = floatSeqs[i];
            var x = node.Inputs[1 + j];
            var rows = back.Outputs[reverse.NRec + i];
            var pieces = new List<Variable>();
            if (truncated)
            {
                pieces.Add(ScanGraph.ZeroRows(x, offset!));
            }
            // No padding when the loop ran over the whole sequence: equal static lengths, or n_steps is its length.
            bool exact = !truncated && ((StructureSupport.StaticInt(n) is long steps && x.Type.Shape[0] == steps)
                                        || (n.Owner is { Op: ShapeI { I: 0 } } length && length.Inputs[0] == x));
            if (!exact)
            {
                // A loop that ran no step (truncate_gradient=0, n_steps=0) does not know its rows' shape: x's.
                rows = ScanGraph.AsRowsOf(rows, x);
            }
            pieces.Add(rows);
            if (!exact)
            {
                pieces.Add(ScanGraph.ZeroRows(x, ScanGraph.Rows(x) - n));
            }
            result[1 + j] = T.Join(0, pieces.ToArray());
        }
        for (int i = 0; i < floatRec.Length; i++)
        {
            int k = floatRec[i];
            var init = node.Inputs[OuterInit(k)];
            var g = Final(back.Outputs[i]);
            if (truncated)
            {
                g *= T.Cast(T.Eq(nB, n), g.DType);
            }
            if (gt[k] is { } direct)
            {
                // The trace's own initial rows pass their gradient straight through.
                g += Window(k) == 1
                    ? ScanGraph.Index(direct, Reverse ? "-1" : "0")
                    : ScanGraph.Index(direct, Reverse ? $"{-Window(k)}:" : $":{Window(k)}");
            }
            if (Window(k) == 1)
            {
                g = ScanGraph.PadLeft(g);
            }
            result[OuterInit(k)] = ScanGraph.As(g, init.DType);
        }
        for (int i = 0; i < floatNonSeq.Length; i++)
        {
            int q = floatNonSeq[i];
            result[OuterNonSeq(q)] = ScanGraph.As(Final(back.Outputs[floatRec.Length + i]), node.Inputs[OuterNonSeq(q)].DType);
        }
        return result;
    }

    /// <summary>
    /// The R-op as one <see cref="Scan"/> running with the forward one: it reads the forward loop's sequences and stored
    /// values (as the reverse loop does) and the input tangents, carries the tangent of each recurrent output with the
    /// same taps, and emits the tangent of each output. A while loop's tangent runs for the steps the loop ran.
    /// </summary>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        RequireFullOutputs("differentiate");
        var result = new Variable?[NOuts];
        var n = StepsOf(node);
        if (n is null)
        {
            return result;
        }
        var seqInner = new List<Variable>();
        var seqOuter = new List<Variable>();
        void AddSeq(Variable inner, Variable outer)
        {
            seqInner.Add(inner);
            seqOuter.Add(outer);
        }
        var map = new Dictionary<Variable, Variable>();
        var wrt = new List<Variable>();
        var points = new List<Variable>();
        for (int j = 0; j < NSeqs; j++)
        {
            var x = ScanGraph.FreshLike(_innerInputs[j]);
            map[_innerInputs[j]] = x;
            AddSeq(x, node.Inputs[1 + j]);
            if (inputTangents[1 + j] is { } dx && ScanGraph.IsFloat(x))
            {
                var dxInner = ScanGraph.FreshLike(_innerInputs[j], "_tangent");
                AddSeq(dxInner, ScanGraph.As(dx, x.DType));
                wrt.Add(x);
                points.Add(dxInner);
            }
        }
        var floatRec = Enumerable.Range(0, NRec).Where(k => ScanGraph.IsFloat(node.Outputs[k])).ToArray();
        var tangentTaps = new List<Variable>();
        for (int k = 0; k < NRec; k++)
        {
            for (int i = 0; i < _taps[k].Length; i++)
            {
                var tapInput = _innerInputs[TapStart(k) + i];
                var y = ScanGraph.FreshLike(tapInput);
                map[tapInput] = y;
                AddSeq(y, TraceTap(node.Outputs[k], k, _taps[k][i]));
                if (floatRec.Contains(k))
                {
                    var dy = ScanGraph.FreshLike(tapInput, "_tangent");
                    tangentTaps.Add(dy);
                    wrt.Add(y);
                    points.Add(dy);
                }
            }
        }
        var stored = StoredValues(node, AddSeq);
        var ps = new List<Variable>();
        var dps = new List<Variable>();
        var dpOuter = new List<Variable>();
        for (int q = 0; q < NNonSeqs; q++)
        {
            var inner = _innerInputs[InnerNonSeqStart + q];
            var p = ScanGraph.FreshLike(inner);
            map[inner] = p;
            ps.Add(p);
            if (inputTangents[OuterNonSeq(q)] is { } dp && ScanGraph.IsFloat(p))
            {
                var dpInner = ScanGraph.FreshLike(inner, "_tangent");
                dps.Add(dpInner);
                dpOuter.Add(ScanGraph.As(dp, p.DType));
                wrt.Add(p);
                points.Add(dpInner);
            }
        }
        var floatMaps = Enumerable.Range(0, NNitSot).Where(m => ScanGraph.IsFloat(node.Outputs[NRec + m])).ToArray();
        if (wrt.Count == 0 || floatRec.Length + floatMaps.Length == 0)
        {
            return result;
        }
        var outs = ScanGraph.Replace(_innerOutputs.Take(NOuts).ToArray(), map);
        Variable[] targets = [.. floatRec.Select(k => outs[k]), .. floatMaps.Select(m => outs[NRec + m])];
        var tangents = Autodiff.Rop(targets, wrt, points, DisconnectedPolicy.Ignore, ReturnDisconnected.Zero);
        tangents = ScanGraph.Replace(tangents, Substitutions(outs, stored));
        tangents = tangents.Select((t, i) => ScanGraph.As(t, targets[i].DType)).ToArray();

        var forward = new Scan([.. seqInner, .. tangentTaps, .. ps, .. dps], tangents, seqInner.Count,
            floatRec.Select(k => _taps[k]).ToArray(), floatMaps.Length, reverse: Reverse,
            name: Name is null ? "rop_of_scan_fn" : $"rop_of_{Name}");
        var inits = floatRec.Select(k =>
        {
            var init = node.Inputs[OuterInit(k)];
            return inputTangents[OuterInit(k)] is { } d ? ScanGraph.As(d, init.DType) : T.ZerosLike(init);
        });
        var run = forward.MakeNode([n, .. seqOuter, .. inits,
            .. Enumerable.Range(0, NNonSeqs).Select(q => node.Inputs[OuterNonSeq(q)]), .. dpOuter]);
        for (int i = 0; i < floatRec.Length; i++)
        {
            result[floatRec[i]] = run.Outputs[i];
        }
        for (int i = 0; i < floatMaps.Length; i++)
        {
            result[NRec + floatMaps[i]] = run.Outputs[floatRec.Length + i];
        }
        return result;
    }

    /// <summary>The number of steps the node ran: <c>n_steps</c>, or for a while loop the length of its outputs.</summary>
    private Variable? StepsOf(Apply node)
    {
        if (!AsWhile)
        {
            return node.Inputs[0];
        }
        if (Checkpoint > 0 && NNitSot > 0)
        {
            // A checkpointed loop's traces may be kept at their checkpoints only: count the rows of a map-like output
            // (the builder adds one for a while loop that has none).
            return ScanGraph.Rows(node.Outputs[NOuts - 1]);
        }
        if (NRec > 0)
        {
            return ScanGraph.Rows(node.Outputs[0]) - ScanGraph.Long(Window(0));
        }
        return NNitSot > 0 ? ScanGraph.Rows(node.Outputs[NRec]) : null;
    }

    /// <summary>
    /// Adds, as sequences of a derivative loop, the stored value of each float inner output computed by a node (so the
    /// derivative reads it instead of recomputing it); returns the inner variable per inner output index.
    /// </summary>
    private Dictionary<int, Variable> StoredValues(Apply node, Action<Variable, Variable> addSeq)
    {
        var stored = new Dictionary<int, Variable>();
        for (int o = 0; o < NOuts; o++)
        {
            if (_innerOutputs[o].Owner is null || !ScanGraph.IsFloat(node.Outputs[o]))
            {
                continue;
            }
            var v = ScanGraph.Fresh(o < NRec ? StateType(o) : _innerOutputs[o].Type);
            addSeq(v, o < NRec ? TraceSteps(node.Outputs[o], o) : node.Outputs[o]);
            stored[o] = v;
        }
        return stored;
    }

    private static Dictionary<Variable, Variable> Substitutions(Variable[] outs, Dictionary<int, Variable> stored)
    {
        var replace = new Dictionary<Variable, Variable>();
        foreach (var (o, v) in stored)
        {
            if (outs[o].Owner is not null && outs[o].Type.Equals(v.Type))
            {
                replace.TryAdd(outs[o], v);
            }
        }
        return replace;
    }

    /// <summary>Rows of a trace read by tap <paramref name="tap"/> of output <paramref name="k"/>, indexed by time.</summary>
    private Variable TraceTap(Variable trace, int k, int tap) =>
        ScanGraph.Index(trace, Reverse ? $"{-tap}:" : $"{Window(k) + tap}:");

    /// <summary>The rows a trace's steps wrote, indexed by time (a reverse trace holds them first).</summary>
    private Variable TraceSteps(Variable trace, int k) => Reverse ? trace : ScanGraph.Index(trace, $"{Window(k)}:");

    /// <summary>The gradient due now for the newest pending value of recurrent output <paramref name="k"/>.</summary>
    private Variable Current(Variable acc, int k) =>
        Window(k) == 1 ? acc : ScanGraph.Index(acc, Reverse ? "0" : $"{Window(k) - 1}");

    /// <summary>
    /// The carried gradients for the next (earlier) step: the pending ones moved by one place, plus what this step's
    /// taps add to the values they read (<paramref name="c"/>, in tap order).
    /// </summary>
    private Variable Shifted(Variable acc, int k, Variable[] c)
    {
        int w = Window(k);
        var dtype = acc.DType;
        if (w == 1)
        {
            return ScanGraph.As(c[0], dtype);
        }
        var zero = T.ZerosLike(Current(acc, k));
        var added = new Variable[w];
        for (int i = 0; i < w; i++)
        {
            // Row i of the carried gradients holds the value at distance w - i (forward) or i + 1 (reverse).
            int tap = Reverse ? -(i + 1) : i - w;
            int at = Array.IndexOf(_taps[k], tap);
            added[i] = at >= 0 ? ScanGraph.As(c[at], dtype) : zero;
        }
        var zeroRow = ScanGraph.PadLeft(zero);
        var moved = Reverse
            ? T.Join(0, ScanGraph.Index(acc, "1:"), zeroRow)
            : T.Join(0, zeroRow, ScanGraph.Index(acc, $":{w - 1}"));
        return moved + T.Stack(added);
    }

    private void RequireFullOutputs(string what)
    {
        if (_lastOnly.Any(l => l))
        {
            throw new InvalidOperationException(
                $"{this}: cannot {what} a loop whose outputs a rewrite reduced to their last step; differentiate the " +
                "graph before compiling it");
        }
    }
}
