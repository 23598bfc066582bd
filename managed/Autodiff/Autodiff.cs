using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

/// <summary>What to do when a requested variable is not connected.</summary>
public enum DisconnectedPolicy
{
    /// <summary>Throw <see cref="DisconnectedInputException"/>.</summary>
    Raise,
    /// <summary>Write a warning to standard error and return zeros.</summary>
    Warn,
    /// <summary>Return zeros.</summary>
    Ignore,
}

/// <summary>Options of <see cref="Autodiff.Grad(Variable, IReadOnlyList{Variable}, GradOptions?)"/>.</summary>
public sealed record GradOptions
{
    /// <summary>Policy for a <c>wrt</c> the cost does not depend on (Aesara's <c>disconnected_inputs</c>).</summary>
    public DisconnectedPolicy DisconnectedInputs { get; init; } = DisconnectedPolicy.Raise;

    /// <summary>Name each gradient <c>(dcost/dx)</c> when both are named (Aesara's <c>add_names</c>).</summary>
    public bool AddNames { get; init; } = true;
}

/// <summary>
/// Symbolic differentiation: reverse mode (<see cref="Grad(Variable, IReadOnlyList{Variable}, GradOptions?)"/>,
/// <see cref="Lop"/>) through each op's pullback and forward mode (<see cref="Rop"/>) through its pushforward.
/// Results are graphs, compiled like any other.
/// </summary>
public static class Autodiff
{
    /// <summary>Gradient of the scalar <paramref name="cost"/> with respect to each of <paramref name="wrt"/>.</summary>
    /// <exception cref="ArgumentException">The cost is not a scalar.</exception>
    /// <exception cref="DisconnectedInputException">A wrt is not connected and the policy is Raise.</exception>
    public static Variable[] Grad(Variable cost, IReadOnlyList<Variable> wrt, GradOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (cost.Ndim != 0)
        {
            throw new ArgumentException($"grad: cost must be a scalar; got {cost.Type}", nameof(cost));
        }
        options ??= new GradOptions();
        var seed = T.OnesLike(cost, cost.DType.IsDiscrete() ? Config.FloatX : cost.DType);
        var grads = Backpropagate(new Dictionary<Variable, Variable> { [cost] = seed }, wrt, options.DisconnectedInputs, "cost");
        if (options.AddNames && cost.Name is not null)
        {
            for (int i = 0; i < wrt.Count; i++)
            {
                if (wrt[i].Name is not null)
                {
                    // One variable can answer for several wrt (add passes its gradient to both inputs): naming it
                    // would rename the others, so this wrt gets its own node.
                    if (grads.Take(i).Contains(grads[i]))
                    {
                        grads[i] = new Ops.DimShuffle(Enumerable.Range(0, grads[i].Ndim).ToArray()).Call(grads[i]);
                    }
                    grads[i].Name = $"(d{cost.Name}/d{wrt[i].Name})";
                }
            }
        }
        return grads;
    }

    /// <summary>Gradient of <paramref name="cost"/> with respect to a single variable.</summary>
    public static Variable Grad(Variable cost, Variable wrt, GradOptions? options = null) =>
        Grad(cost, [wrt], options)[0];

    /// <summary>
    /// Vector-Jacobian product (Aesara's <c>Lop</c>): the gradient of Σ_i ⟨f_i, v_i⟩ with respect to each wrt,
    /// where <paramref name="evalPoints"/> v_i is shaped like f_i.
    /// </summary>
    public static Variable[] Lop(IReadOnlyList<Variable> f, IReadOnlyList<Variable> wrt, IReadOnlyList<Variable> evalPoints,
        DisconnectedPolicy disconnectedInputs = DisconnectedPolicy.Raise)
    {
        if (f.Count != evalPoints.Count)
        {
            throw new ArgumentException($"Lop: expected one eval point per f ({f.Count}); got {evalPoints.Count}",
                nameof(evalPoints));
        }
        var seeds = new Dictionary<Variable, Variable>();
        for (int i = 0; i < f.Count; i++)
        {
            CheckLike("Lop", evalPoints[i], f[i], i);
            seeds[f[i]] = seeds.TryGetValue(f[i], out var s) ? s + evalPoints[i] : evalPoints[i];
        }
        return Backpropagate(seeds, wrt, disconnectedInputs, "f");
    }

    /// <summary>
    /// Jacobian-vector product (Aesara's <c>Rop</c>): the directional derivative of each f along
    /// <paramref name="evalPoints"/> (one per wrt, shaped like it), computed by one forward pass of pushforwards.
    /// </summary>
    public static Variable[] Rop(IReadOnlyList<Variable> f, IReadOnlyList<Variable> wrt, IReadOnlyList<Variable> evalPoints,
        DisconnectedPolicy disconnectedOutputs = DisconnectedPolicy.Raise)
    {
        if (wrt.Count != evalPoints.Count)
        {
            throw new ArgumentException($"Rop: expected one eval point per wrt ({wrt.Count}); got {evalPoints.Count}",
                nameof(evalPoints));
        }
        var tangents = new Dictionary<Variable, Variable>();
        for (int i = 0; i < wrt.Count; i++)
        {
            CheckLike("Rop", evalPoints[i], wrt[i], i);
            tangents[wrt[i]] = evalPoints[i];
        }
        foreach (var node in GraphOrder.Toposort(f))
        {
            var dIn = node.Inputs.Select(v => tangents.GetValueOrDefault(v)).ToArray();
            if (dIn.All(t => t is null))
            {
                continue;
            }
            var dOut = node.Op.Pushforward(node, dIn);
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                if (dOut[o] is { } d)
                {
                    tangents[node.Outputs[o]] = d;
                }
            }
        }
        return f.Select((y, i) => tangents.GetValueOrDefault(y)
                                  ?? Disconnected(disconnectedOutputs, y, $"Rop: output {i} ({y}) does not depend on wrt"))
            .ToArray();
    }

    /// <summary>
    /// Reverse accumulation from <paramref name="seeds"/> (variable → gradient) to <paramref name="wrt"/>. Only nodes
    /// that lie between a seed and a wrt are visited.
    /// </summary>
    private static Variable[] Backpropagate(Dictionary<Variable, Variable> seeds, IReadOnlyList<Variable> wrt,
        DisconnectedPolicy policy, string what)
    {
        var order = GraphOrder.Toposort(seeds.Keys);
        var dependsOnWrt = new HashSet<Variable>(wrt);
        foreach (var node in order)
        {
            if (node.Inputs.Any(dependsOnWrt.Contains))
            {
                dependsOnWrt.UnionWith(node.Outputs);
            }
        }
        var grads = new Dictionary<Variable, Variable>(seeds);
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = order[n];
            if (!node.Outputs.Any(grads.ContainsKey) || !node.Inputs.Any(dependsOnWrt.Contains))
            {
                continue;
            }
            var gOut = node.Outputs.Select(o => grads.GetValueOrDefault(o) ?? T.ZerosLike(o)).ToArray();
            var gIn = node.Op.Pullback(node, gOut);
            if (gIn.Length != node.Inputs.Count)
            {
                throw new InvalidOperationException(
                    $"{node.Op}.Pullback returned {gIn.Length} gradients for {node.Inputs.Count} inputs");
            }
            for (int i = 0; i < gIn.Length; i++)
            {
                var x = node.Inputs[i];
                if (gIn[i] is not { } g || !dependsOnWrt.Contains(x))
                {
                    continue;
                }
                if (g.Ndim != x.Ndim)
                {
                    throw new InvalidOperationException(
                        $"{node.Op}.Pullback returned a rank-{g.Ndim} gradient for rank-{x.Ndim} input {i}");
                }
                grads[x] = grads.TryGetValue(x, out var sum) ? sum + g : g;
            }
        }
        return wrt.Select(w =>
        {
            var g = grads.GetValueOrDefault(w)
                    ?? Disconnected(policy, w, $"grad method was asked to compute the gradient with respect to a " +
                                               $"variable that is not part of the computational graph of the {what}, " +
                                               $"or is used only by a non-differentiable operator: {w}");
            var dtype = w.DType.IsDiscrete() ? Config.FloatX : w.DType;
            return g.DType == dtype ? g : T.Cast(g, dtype);
        }).ToArray();
    }

    private static Variable Disconnected(DisconnectedPolicy policy, Variable like, string message)
    {
        switch (policy)
        {
            case DisconnectedPolicy.Raise:
                throw new DisconnectedInputException(message);
            case DisconnectedPolicy.Warn:
                Console.Error.WriteLine("Warning: " + message);
                break;
        }
        return T.ZerosLike(like);
    }

    private static void CheckLike(string fn, Variable v, Variable like, int i)
    {
        ArgumentNullException.ThrowIfNull(v, $"{fn} eval point {i}");
        if (v.Ndim != like.Ndim)
        {
            throw new ArgumentException(
                $"{fn}: eval point {i} must have the rank of {like} ({like.Type}); got {v.Type}");
        }
    }
}
