using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Jacobians and Hessians as Python calls them.</summary>
public static partial class PyApi
{
    /// <summary>Aesara's <c>jacobian</c>, vectorized (one batched pullback).</summary>
    public static Variable[] Jacobian(Variable expression, Variable[] wrt, Variable[] considerConstant,
        string disconnectedInputs, int chunkSize) =>
        Autodiff.Jacobian(expression, wrt, Policy(disconnectedInputs, "disconnected_inputs"), considerConstant,
            chunkSize > 0 ? chunkSize : null);

    /// <summary>Aesara's <c>hessian</c> (one Hessian per wrt, no cross terms), forward over reverse.</summary>
    public static Variable[] Hessian(Variable cost, Variable[] wrt, Variable[] considerConstant, string disconnectedInputs) =>
        Autodiff.Hessian(cost, wrt, Policy(disconnectedInputs, "disconnected_inputs"), considerConstant);

    /// <summary>The Hessian of <paramref name="cost"/> with respect to <paramref name="wrt"/> times <paramref name="v"/>.</summary>
    public static Variable HessianVectorProduct(Variable cost, Variable wrt, Variable v) =>
        Autodiff.HessianVectorProduct(cost, wrt, v);
}
