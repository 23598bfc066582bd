namespace Gradient.Rewrites;

/// <summary>
/// An op whose single output, once the graph is compiled, is one of its inputs unchanged: a gradient-control op
/// (<c>zero_grad</c>, <c>disconnected_grad</c>, <c>grad_scale</c>-like markers that only matter to
/// <see cref="Autodiff"/>) or a view-only op with nothing left to do at run time. <see cref="RemoveIdentityOps"/>
/// takes such nodes out of compiled graphs.
/// </summary>
public interface IRemovableOp
{
    /// <summary>The input the output equals at run time.</summary>
    int PassThroughInput => 0;
}
