using Gradient.Graph;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// Takes <see cref="IRemovableOp"/> nodes (gradient-control and view-only ops with nothing to do at run time) out of
/// compiled graphs: their output becomes the input they pass through.
/// </summary>
public sealed class RemoveIdentityOps : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "remove_identity_ops";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        node.Op is IRemovableOp removable && node.Outputs.Count == 1
            ? One(Fit(node.Inputs[removable.PassThroughInput], node.Outputs[0]))
            : null;
}
