using Gradient.Graph;

namespace Gradient.Rewrites;

/// <summary>
/// A rewrite of one node (Aesara's node rewriter): looks at a node and its neighbourhood and proposes
/// a replacement for each of its outputs. <see cref="EquilibriumRewrite"/> applies it everywhere, to a fixed point.
/// </summary>
/// <remarks>
/// A replacement must compute the same values. It may be a variable already in the graph or a new expression built
/// with <see cref="T"/> from variables the node can see; it must not look through the graph's inputs (the driver
/// rejects a replacement that needs a variable the function does not have). The driver accepts it only with
/// exactly the type of the output it replaces (see <see cref="RewriteHelpers.Fit"/>).
/// </remarks>
public interface ILocalRewrite
{
    /// <summary>A short name, as Aesara names its rewrites (e.g. <c>local_mul_by_one</c>).</summary>
    string Name { get; }

    /// <summary>One replacement per output of <paramref name="node"/> (null entries keep an output), or null for none.</summary>
    Variable?[]? Transform(Apply node);
}
