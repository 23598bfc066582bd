using Gradient.Graph;
using Gradient.Ops.Scan;

namespace Gradient.Interop;

/// <summary>Loops for <c>sharpgrad.scan</c>: built in two halves around the Python step function.</summary>
public static partial class PyApi
{
    /// <summary>
    /// Starts a loop. Taps come flattened: <paramref name="seqTapCounts"/>[i] taps of sequence i follow one another
    /// in <paramref name="seqTaps"/>; output i has <paramref name="outTapCounts"/>[i] taps in <paramref name="outTaps"/>
    /// (-1: the default [-1]); a null initial value marks an output that is not fed back.
    /// </summary>
    public static ScanBuilder ScanBegin(Variable[] sequences, int[] seqTapCounts, int[] seqTaps, Variable?[] initials,
        int[] outTapCounts, int[] outTaps, Variable[] nonSequences)
    {
        if (sequences.Length != seqTapCounts.Length || initials.Length != outTapCounts.Length)
        {
            throw new ArgumentException("scan: taps must be given per sequence and per output");
        }
        int at = 0;
        var seqs = new ScanSequence[sequences.Length];
        for (int i = 0; i < sequences.Length; i++)
        {
            seqs[i] = new ScanSequence(sequences[i], seqTaps.Skip(at).Take(seqTapCounts[i]).ToArray());
            at += seqTapCounts[i];
        }
        at = 0;
        var outputs = new ScanOutputInfo?[initials.Length];
        for (int i = 0; i < initials.Length; i++)
        {
            int[]? taps = null;
            if (outTapCounts[i] >= 0)
            {
                taps = outTaps.Skip(at).Take(outTapCounts[i]).ToArray();
                at += outTapCounts[i];
            }
            outputs[i] = initials[i] is null && taps is null ? null : new ScanOutputInfo(initials[i], taps);
        }
        return new ScanBuilder(seqs, outputs, nonSequences);
    }

    /// <summary>The symbolic arguments the step function receives, in Aesara's order.</summary>
    public static Variable[] ScanStepArguments(ScanBuilder builder) => builder.StepArguments.ToArray();

    /// <summary>
    /// Finishes a loop from what the step returned; updates come as parallel arrays. <paramref name="checkpoint"/>: 0
    /// for none (Python's None), else the block length (checked: >= 1).
    /// </summary>
    public static PyScanResult ScanFinish(ScanBuilder builder, Variable[] outputs, SharedVariable[] updateTargets,
        Variable[] updateValues, Variable? until, Variable? nSteps, int truncateGradient, bool goBackwards, bool strict,
        string? name, int checkpoint)
    {
        if (updateTargets.Length != updateValues.Length)
        {
            throw new ArgumentException("scan: updates must pair each shared variable with one value");
        }
        var updates = updateTargets.Zip(updateValues, (k, v) => new KeyValuePair<SharedVariable, Variable>(k, v)).ToArray();
        var result = builder.Finish(new ScanStep(outputs, updates, until), nSteps, truncateGradient, goBackwards, strict,
            name, checkpoint == 0 ? null : checkpoint);
        return new PyScanResult(result.Outputs, result.Updates.Select(u => u.Key).ToArray(),
            result.Updates.Select(u => u.Value).ToArray());
    }
}

/// <summary>A loop's outputs and updates as Python reads them.</summary>
/// <param name="Outputs">The outputs over all steps.</param>
/// <param name="UpdateTargets">The shared variables the step updates.</param>
/// <param name="UpdateValues">Their values after the last step.</param>
public sealed record PyScanResult(Variable[] Outputs, SharedVariable[] UpdateTargets, Variable[] UpdateValues);
