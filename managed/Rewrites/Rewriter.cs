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
    /// <summary>The default pipeline, in order.</summary>
    public static IReadOnlyList<IGraphRewrite> Default { get; } = [];

    /// <summary>Runs <paramref name="rewrites"/> (the default pipeline when null) over <paramref name="graph"/>.</summary>
    public static void Run(FunctionGraph graph, IEnumerable<IGraphRewrite>? rewrites = null)
    {
        foreach (var rewrite in rewrites ?? Default)
        {
            rewrite.Apply(graph);
        }
    }
}
