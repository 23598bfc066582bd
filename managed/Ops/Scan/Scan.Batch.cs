using Gradient.Graph;

namespace Gradient.Ops.Scan;

/// <summary>The loop's batching rule, which vectorized Jacobians and Hessians of loops go through.</summary>
public sealed partial class Scan
{
    /// <summary>
    /// One loop over the batch: batched sequences, initial values and non-sequences carry the batch inside the loop as
    /// the leading axis of each step's values (the outer sequences and traces hold it second, after time). A
    /// recurrent output becomes batched when its initial value or anything its step reads is (found by vectorizing
    /// the inner graph to a fixed point). A batched <c>n_steps</c> or <c>until</c> condition (each member stopping
    /// at its own step) has no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (inputs[0].Batched || _lastOnly.Any(l => l) || _checkpointsOnly.Any(c => c))
        {
            return null;
        }
        var recBatched = Enumerable.Range(0, NRec).Select(k => inputs[OuterInit(k)].Batched).ToArray();
        bool InputBatched(int i) => i < NSeqs ? inputs[1 + i].Batched
            : i >= InnerNonSeqStart ? inputs[OuterNonSeq(i - InnerNonSeqStart)].Batched
            : recBatched[RecOfTap(i)];
        Variable[] innerInputs;
        (Variable Value, bool Batched)[] results;
        while (true)
        {
            innerInputs = _innerInputs.Select((v, i) => InputBatched(i)
                ? ScanGraph.Fresh(new TensorType(v.DType, [null, .. v.Type.Shape]), v.Name)
                : v).ToArray();
            var replace = new Dictionary<Variable, Variable>();
            for (int i = 0; i < innerInputs.Length; i++)
            {
                if (InputBatched(i))
                {
                    replace[_innerInputs[i]] = innerInputs[i];
                }
            }
            results = Batching.Vectorize(_innerOutputs, replace);
            var grew = Enumerable.Range(0, NRec).Where(k => results[k].Batched && !recBatched[k]).ToArray();
            if (grew.Length == 0)
            {
                break;
            }
            foreach (int k in grew)
            {
                recBatched[k] = true;
            }
        }
        if (AsWhile && results[^1].Batched)
        {
            return null;
        }
        var innerOutputs = results.Select(r => r.Value).ToArray();
        for (int k = 0; k < NRec; k++)
        {
            if (recBatched[k] && !results[k].Batched)
            {
                // The step no longer depends on the batch but its state does (a batched initial value): copy it out.
                var length = T.ShapeI(innerInputs[TapStart(k)], 0);
                innerOutputs[k] = BatchSupport.Materialize(results[k], length);
            }
        }
        var op = new Scan(innerInputs, innerOutputs, NSeqs, _taps, NNitSot, Reverse, AsWhile, TruncateGradient,
            _lastOnly, Name, Checkpoint);
        var batch = BatchSupport.Length(inputs);
        Variable TimeFirst(Variable v) => BatchSupport.ToFront(v, 1);
        var outer = new List<Variable> { inputs[0].Value };
        for (int j = 0; j < NSeqs; j++)
        {
            outer.Add(inputs[1 + j].Batched ? TimeFirst(inputs[1 + j].Value) : inputs[1 + j].Value);
        }
        for (int k = 0; k < NRec; k++)
        {
            var init = inputs[OuterInit(k)];
            outer.Add(recBatched[k] ? TimeFirst(BatchSupport.Materialize(init, batch)) : init.Value);
        }
        for (int q = 0; q < NNonSeqs; q++)
        {
            outer.Add(inputs[OuterNonSeq(q)].Value);
        }
        var run = op.MakeNode(outer.ToArray());
        var batched = recBatched.Concat(Enumerable.Range(0, NNitSot).Select(m => results[NRec + m].Batched)).ToArray();
        return run.Outputs.Select((o, i) => batched[i] ? (TimeFirst(o), true) : (o, false)).ToArray();
    }

    private int RecOfTap(int innerInput)
    {
        for (int k = 0; k < NRec; k++)
        {
            if (innerInput >= TapStart(k) && innerInput < TapStart(k) + _taps[k].Length)
            {
                return k;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(innerInput));
    }
}
