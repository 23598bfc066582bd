using Gradient.Graph;

namespace Gradient.Rewrites;

/// <summary>A graph-to-graph rewrite that keeps what the graph computes (Aesara's graph rewriter).</summary>
public interface IGraphRewrite
{
    /// <summary>The rewrite's name, as listed by <see cref="Rewriter.Default"/>.</summary>
    string Name { get; }

    /// <summary>Rewrites <paramref name="graph"/> in place; returns true if it changed anything.</summary>
    bool Apply(FunctionGraph graph);
}

/// <summary>The rewrites <see cref="Compile.Function.Compile"/> runs before scheduling.</summary>
public static class Rewriter
{
    /// <summary>
    /// The node rewrites of the default pipeline, in the order they are tried on each node: inlining of
    /// <c>OpFromGraph</c>s made with inline=True, removal of ops with nothing to do at run time, constant folding,
    /// canonical forms, shape folding, stabilisation (log1p, softplus, softmax, logsumexp, the sigmoid forms), and the
    /// cancellation of common factors that makes stabilised gradients finite.
    /// </summary>
    public static IReadOnlyList<ILocalRewrite> DefaultRules { get; } =
    [
        new InlineOpFromGraph(),
        new RemoveIdentityOps(),
        new ConstantFolding(),
        new RemoveNeutralElemwise(),
        new SinkFill(),
        new MergeDimShuffles(),
        new ShapeFolding(),
        new UselessReshape(),
        new DiagonalProduct(),
        new LogOnePlusToLog1p(),
        new Log1pExpToSoftplus(),
        new RecognizeSoftmax(),
        new LogSoftmaxOfSoftmax(),
        new LogSumExpOfSum(),
        new ReciprocalOfOnePlusExp(),
        new ExpOverOnePlusExp(),
        new SigmoidTimesExp(),
        new OneMinusSigmoid(),
        new LogSigmoidToSoftplus(),
        new LogOneMinusSigmoidToSoftplus(),
        new Log1pNegSigmoidToSoftplus(),
        new CancelCommonFactors(),
        new DistributeToCancel(),
        new MergeSubtensorOfTail(),
        new ScanPushout(),
    ];

    /// <summary>
    /// The default pipeline: one pass that merges identical subgraphs and equal constants and applies
    /// <see cref="DefaultRules"/> everywhere until nothing changes (each change can enable others, so they share
    /// one fixed point rather than running one after the other); then, knowing who reads what, the loops' memory
    /// saving (<see cref="ScanSaveMemory"/>); last the fusions of kernels, which would hide the patterns the others
    /// look for (<see cref="FuseGemm"/>, <see cref="FuseMultiplyAdd"/>).
    /// </summary>
    public static IReadOnlyList<IGraphRewrite> Default { get; } =
        [new EquilibriumRewrite("merge+canonicalize+stabilize", DefaultRules, merge: true), new ScanSaveMemory(),
         new FuseGemm(), new FuseMultiplyAdd()];

    /// <summary>Only the merge of identical nodes and equal constants.</summary>
    public static IGraphRewrite MergeOnly { get; } = new EquilibriumRewrite("merge", [], merge: true);

    /// <summary>
    /// Whether <paramref name="rewrites"/> (the default pipeline when null) start with a pass that merges identical
    /// nodes, so that a compile may share them from the start.
    /// </summary>
    internal static bool Merges(IReadOnlyList<IGraphRewrite>? rewrites) =>
        (rewrites ?? Default) is [EquilibriumRewrite { Merge: true }, ..];

    /// <summary>Runs <paramref name="rewrites"/> (the default pipeline when null) over <paramref name="graph"/>.</summary>
    public static void Run(FunctionGraph graph, IEnumerable<IGraphRewrite>? rewrites = null) => Run(graph, rewrites, null);

    /// <summary>
    /// <see cref="Run(FunctionGraph, IEnumerable{IGraphRewrite}?)"/>, calling <paramref name="after"/> once each rewrite
    /// is done (a compile times its phases so).
    /// </summary>
    internal static void Run(FunctionGraph graph, IEnumerable<IGraphRewrite>? rewrites, Action<IGraphRewrite>? after)
    {
        foreach (var rewrite in rewrites ?? Default)
        {
            rewrite.Apply(graph);
            graph.ReleaseStaleOrder();
            after?.Invoke(rewrite);
        }
    }
}
