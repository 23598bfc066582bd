using Gradient.Graph;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// Replaces each node of an <see cref="OpFromGraph"/> made with <c>inline=True</c> by its inner graph, so that the
/// other rewrites see through it (Aesara's <c>inline_ofg_expansion</c>). Derivatives were built before compiling and
/// keep the op's overrides; a checkpoint is never inlined.
/// </summary>
public sealed class InlineOpFromGraph : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "inline_ofg_expansion";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not OpFromGraph { Inline: true } op)
        {
            return null;
        }
        // The inner nodes were typed for the inner inputs: an input of another static shape (say a static length 1
        // where the inner graph has an unknown one) could change what they do, so such a node keeps its inner function.
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (!node.Inputs[i].Type.Equals(op.InnerInputs[i].Type))
            {
                return null;
            }
        }
        // A plain loop: a lambda reading node made this method allocate a closure for every node it was offered.
        var outputs = op.InlineInto(node.Inputs);
        var fitted = new Variable?[outputs.Length];
        for (int o = 0; o < fitted.Length; o++)
        {
            if ((fitted[o] = Fit(outputs[o], node.Outputs[o])) is null)
            {
                return null;
            }
        }
        return fitted;
    }
}
