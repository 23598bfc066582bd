using Gradient.Graph;
using Gradient.Ops.Scan;

namespace Gradient;

public static partial class T
{
    /// <summary>
    /// Aesara's <c>scan</c>: a loop whose step is <paramref name="step"/> (see <see cref="Ops.Scan.Scan.Build"/> for
    /// the order of its arguments). Returns each output over all steps and the final values of the shared variables
    /// the step updates. <paramref name="checkpoint"/> = k checkpoints the loop for its gradient: the reverse pass keeps
    /// every k-th state only and recomputes each block of k steps from it.
    /// </summary>
    public static ScanResult Scan(Func<Variable[], ScanStep> step, IReadOnlyList<ScanSequence>? sequences = null,
        IReadOnlyList<ScanOutputInfo?>? outputsInfo = null, IReadOnlyList<Variable>? nonSequences = null,
        Variable? nSteps = null, int truncateGradient = -1, bool goBackwards = false, bool strict = false,
        string? name = null, int? checkpoint = null) =>
        Ops.Scan.Scan.Build(step, sequences, outputsInfo, nonSequences, nSteps, truncateGradient, goBackwards, strict,
            name, checkpoint);

    /// <summary>A loop of a fixed number of steps; see <see cref="Scan(Func{Variable[], ScanStep}, IReadOnlyList{ScanSequence}?, IReadOnlyList{ScanOutputInfo?}?, IReadOnlyList{Variable}?, Variable?, int, bool, bool, string?, int?)"/>.</summary>
    public static ScanResult Scan(Func<Variable[], ScanStep> step, long nSteps,
        IReadOnlyList<ScanOutputInfo?>? outputsInfo = null, IReadOnlyList<Variable>? nonSequences = null,
        int truncateGradient = -1, string? name = null, int? checkpoint = null) =>
        Ops.Scan.Scan.Build(step, null, outputsInfo, nonSequences, Ops.StructureSupport.Long(nSteps >= 0 ? nSteps
                : throw new ArgumentOutOfRangeException(nameof(nSteps), $"scan: nSteps must be >= 0; got {nSteps}")),
            truncateGradient, name: name, checkpoint: checkpoint);
}
