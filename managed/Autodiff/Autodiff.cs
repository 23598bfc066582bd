using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

/// <summary>What to do when a requested variable is not connected.</summary>
public enum DisconnectedPolicy
{
    /// <summary>Throw <see cref="DisconnectedInputException"/>.</summary>
    Raise,
    /// <summary>Write a warning to standard error and go on.</summary>
    Warn,
    /// <summary>Go on silently.</summary>
    Ignore,
}

/// <summary>What a disconnected gradient is returned as (Aesara's <c>return_disconnected</c>).</summary>
public enum ReturnDisconnected
{
    /// <summary>Zeros shaped like the variable (in a float dtype).</summary>
    Zero,
    /// <summary>A <see cref="DisconnectedGradient"/> placeholder (Python's <c>'None'</c> turns it into None).</summary>
    Disconnected,
}

/// <summary>Options of <see cref="Autodiff.Grad(Variable?, IReadOnlyList{Variable}, GradOptions?)"/>, as Aesara's <c>grad</c> arguments.</summary>
public sealed record GradOptions
{
    /// <summary>Policy for a <c>wrt</c> the cost does not depend on (Aesara's <c>disconnected_inputs</c>).</summary>
    public DisconnectedPolicy DisconnectedInputs { get; init; } = DisconnectedPolicy.Raise;

    /// <summary>Name each gradient <c>(dcost/dx)</c> when both are named (Aesara's <c>add_names</c>).</summary>
    public bool AddNames { get; init; } = true;

    /// <summary>Variables whose own inputs get no gradient through them (Aesara's <c>consider_constant</c>).</summary>
    public IReadOnlyList<Variable> ConsiderConstant { get; init; } = [];

    /// <summary>
    /// Gradients already known for some variables (Aesara's <c>known_grads</c>). A known gradient replaces whatever
    /// the cost would send into that variable; on the cost itself it replaces the seed 1.
    /// </summary>
    public IReadOnlyList<KeyValuePair<Variable, Variable>> KnownGrads { get; init; } = [];

    /// <summary>What a disconnected gradient is returned as.</summary>
    public ReturnDisconnected ReturnDisconnected { get; init; } = ReturnDisconnected.Zero;

    /// <summary>
    /// True returns an undefined gradient as a <see cref="NullGradient"/>; false (Aesara's default
    /// <c>null_gradients='raise'</c>) throws <see cref="NullTypeGradException"/>.
    /// </summary>
    public bool ReturnNullGradients { get; init; }
}

/// <summary>
/// Symbolic differentiation: reverse mode (<see cref="Grad(Variable?, IReadOnlyList{Variable}, GradOptions?)"/>,
/// <see cref="Lop"/>) through each op's pullback, and forward mode (<see cref="Rop"/>) through its pushforward.
/// Results are graphs, compiled like any other. The semantics are Aesara's <c>aesara.gradient.grad</c>: the first
/// pass finds the variables between the cost and <c>wrt</c> through each op's connection pattern; gradients are never
/// integer-typed; a path through an integer-valued output carries a zero gradient.
/// </summary>
public static partial class Autodiff
{
    /// <summary>
    /// Gradient of the scalar <paramref name="cost"/> (or of the known gradients alone, when null) with respect to each
    /// of <paramref name="wrt"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The cost is not a scalar, or neither a cost nor known gradients are given.</exception>
    /// <exception cref="DisconnectedInputException">A wrt is not connected and the policy is Raise.</exception>
    /// <exception cref="NullTypeGradException">A gradient is undefined and undefined gradients are not returned.</exception>
    public static Variable[] Grad(Variable? cost, IReadOnlyList<Variable> wrt, GradOptions? options = null)
    {
        Guard.NotNull(wrt, "grad");
        options ??= new GradOptions();
        Guard.Defined(options.DisconnectedInputs, "grad", "options.DisconnectedInputs");
        Guard.Defined(options.ReturnDisconnected, "grad", "options.ReturnDisconnected");
        Guard.NoNulls(options.ConsiderConstant, "grad", "options.ConsiderConstant");
        Guard.NotNull(options.KnownGrads, "grad", "options.KnownGrads");
        foreach (var (variable, gradient) in options.KnownGrads)
        {
            Guard.NotNull(variable, "grad", "a variable of known_grads");
            Guard.NotNull(gradient, "grad", $"the known gradient of {variable}");
        }
        if (cost is null && options.KnownGrads.Count == 0)
        {
            throw new ArgumentException("grad: cost is None and no known_grads are given: there is nothing to differentiate");
        }
        if (cost is not null && cost.Ndim != 0)
        {
            throw new ArgumentException($"grad: cost must be a scalar; got {cost.Type}", nameof(cost));
        }
        for (int i = 0; i < wrt.Count; i++)
        {
            if (wrt[i] is null)
            {
                throw new ArgumentNullException(nameof(wrt), $"grad: wrt[{i}] is null");
            }
        }
        var seeds = new Dictionary<Variable, Variable>();
        var known = new HashSet<Variable>();
        foreach (var (variable, gradient) in options.KnownGrads)
        {
            if (gradient.Ndim != variable.Ndim)
            {
                throw new ArgumentException(
                    $"grad: known_grads for {variable} must have its rank ({variable.Ndim}); got {gradient.Type}");
            }
            seeds[variable] = gradient;
            known.Add(variable);
        }
        if (cost is not null && !seeds.ContainsKey(cost))
        {
            seeds[cost] = T.OnesLike(cost, cost.DType.IsDiscrete() ? Config.FloatX : cost.DType);
        }
        var grads = Backpropagate(seeds, known, wrt, options, "cost");
        if (options.AddNames && cost?.Name is not null)
        {
            for (int i = 0; i < wrt.Count; i++)
            {
                if (wrt[i].Name is null || grads[i] is NullGradient or DisconnectedGradient)
                {
                    continue;
                }
                // One variable can answer for several wrt (add passes its gradient to both inputs): naming it
                // would rename the others, so this wrt gets its own node.
                if (grads.Take(i).Contains(grads[i]))
                {
                    grads[i] = new Ops.DimShuffle(Enumerable.Range(0, grads[i].Ndim).ToArray()).Call(grads[i]);
                }
                grads[i].Name = $"(d{cost.Name}/d{wrt[i].Name})";
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
        DisconnectedPolicy disconnectedInputs = DisconnectedPolicy.Raise, IReadOnlyList<Variable>? considerConstant = null)
    {
        Guard.NoNulls(f, "Lop");
        Guard.NoNulls(wrt, "Lop");
        Guard.NotNull(evalPoints, "Lop");
        if (f.Count != evalPoints.Count)
        {
            throw new ArgumentException($"Lop: expected one eval point per f ({f.Count}); got {evalPoints.Count}",
                nameof(evalPoints));
        }
        var known = new List<KeyValuePair<Variable, Variable>>();
        for (int i = 0; i < f.Count; i++)
        {
            CheckLike("Lop", evalPoints[i], f[i], i);
            int already = known.FindIndex(k => k.Key == f[i]);
            if (already >= 0)
            {
                known[already] = new(f[i], known[already].Value + evalPoints[i]);
            }
            else
            {
                known.Add(new(f[i], evalPoints[i]));
            }
        }
        return Grad(null, wrt, new GradOptions
        {
            KnownGrads = known,
            DisconnectedInputs = disconnectedInputs,
            ConsiderConstant = considerConstant ?? [],
            AddNames = false,
        });
    }

    /// <summary>
    /// Vector-Jacobian product in JAX's sense: the gradient of Σ_i ⟨f_i, v_i⟩ with respect to each wrt, where the
    /// cotangent <paramref name="cotangents"/>[i] is shaped like f_i. Unlike <see cref="Lop"/> (whose eval points are
    /// Aesara's known_grads, which replace), every cotangent adds to what flows into its f_i, so an f_i that another
    /// f_j depends on gets both contributions. <paramref name="options"/> says what disconnected and undefined
    /// gradients become (its cost-related settings are not used).
    /// </summary>
    public static Variable[] Vjp(IReadOnlyList<Variable> f, IReadOnlyList<Variable> wrt, IReadOnlyList<Variable> cotangents,
        GradOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(wrt);
        ArgumentNullException.ThrowIfNull(cotangents);
        if (f.Count != cotangents.Count)
        {
            throw new ArgumentException($"vjp: expected one cotangent per f ({f.Count}); got {cotangents.Count}",
                nameof(cotangents));
        }
        options = (options ?? new GradOptions()) with { AddNames = false, KnownGrads = [] };
        var seeds = new Dictionary<Variable, Variable>();
        for (int i = 0; i < f.Count; i++)
        {
            CheckLike("vjp", cotangents[i], f[i], i);
            seeds[f[i]] = seeds.TryGetValue(f[i], out var sum) ? Accumulate(sum, cotangents[i]) : cotangents[i];
        }
        return Backpropagate(seeds, [], wrt, options, "outputs");
    }

    /// <summary>
    /// Jacobian-vector product (Aesara's <c>Rop</c>): the directional derivative of each f along
    /// <paramref name="evalPoints"/> (one per wrt, shaped like it), computed by one forward pass of pushforwards.
    /// </summary>
    public static Variable[] Rop(IReadOnlyList<Variable> f, IReadOnlyList<Variable> wrt, IReadOnlyList<Variable> evalPoints,
        DisconnectedPolicy disconnectedOutputs = DisconnectedPolicy.Raise,
        ReturnDisconnected returnDisconnected = ReturnDisconnected.Zero)
    {
        Guard.NoNulls(f, "Rop");
        Guard.NoNulls(wrt, "Rop");
        Guard.NotNull(evalPoints, "Rop");
        Guard.Defined(disconnectedOutputs, "Rop");
        Guard.Defined(returnDisconnected, "Rop");
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
        foreach (var node in GraphOrder.Toposort(f, tangents.Keys.ToHashSet()))
        {
            var dIn = node.Inputs.Select(v => tangents.GetValueOrDefault(v) is { } t ? AsSpecific(t, v) : null).ToArray();
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
        return f.Select((y, i) =>
        {
            if (tangents.TryGetValue(y, out var t))
            {
                return t;
            }
            Complain(disconnectedOutputs,
                $"Rop: output {i} ({y}) of f does not depend on any of wrt: its directional derivative is disconnected");
            return returnDisconnected == ReturnDisconnected.Zero ? T.ZerosLike(y) : new DisconnectedGradient(FloatType(y));
        }).ToArray();
    }

    /// <summary>
    /// Reverse accumulation from <paramref name="seeds"/> (variable → gradient) to <paramref name="wrt"/>. Only nodes
    /// that lie between a seed and a wrt, through connected inputs and outside consider_constant, are visited.
    /// </summary>
    private static Variable[] Backpropagate(Dictionary<Variable, Variable> seeds, HashSet<Variable> known,
        IReadOnlyList<Variable> wrt, GradOptions options, string what)
    {
        var blockers = new HashSet<Variable>(options.ConsiderConstant);
        var order = GraphOrder.Toposort(seeds.Keys, blockers);
        var wrtSet = new HashSet<Variable>(wrt);
        // Sized for the whole path up front: tables of a few hundred thousand entries grown step by step leave
        // large-object garbage behind, which costs full collections.
        var dependsOnWrt = new HashSet<Variable>(order.Count + wrtSet.Count);
        dependsOnWrt.UnionWith(wrtSet);
        // Each node's pattern by its position in the order (null: nothing flows through it).
        var connected = new bool[order.Count][][];
        for (int n = 0; n < order.Count; n++)
        {
            var node = order[n];
            // A node none of whose inputs leads to wrt is not asked for its pattern (nothing flows through it): an
            // op whose pattern depends on its derivative rule (an OpFromGraph with overrides) is then not built.
            if (!AnyIn(node.Inputs, dependsOnWrt))
            {
                continue;
            }
            var pattern = PatternOf(node);
            connected[n] = pattern;
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                for (int i = 0; i < node.Inputs.Count; i++)
                {
                    if (pattern[i][o] && dependsOnWrt.Contains(node.Inputs[i]))
                    {
                        dependsOnWrt.Add(node.Outputs[o]);
                        break;
                    }
                }
            }
        }

        var grads = new Dictionary<Variable, Variable>(order.Count + seeds.Count);
        foreach (var (seed, g) in seeds)
        {
            grads.Add(seed, g);
        }
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = order[n];
            if (connected[n] is not { } pattern)
            {
                continue;
            }
            // An input takes part when it leads to wrt and some output that has a gradient depends on it.
            var reached = new bool[node.Inputs.Count];
            bool anyReached = false;
            for (int i = 0; i < reached.Length; i++)
            {
                if (!dependsOnWrt.Contains(node.Inputs[i]) || IsBlocked(node.Inputs[i], blockers, wrtSet))
                {
                    continue;
                }
                for (int o = 0; o < node.Outputs.Count && !reached[i]; o++)
                {
                    reached[i] = pattern[i][o] && grads.ContainsKey(node.Outputs[o]);
                }
                anyReached |= reached[i];
            }
            if (!anyReached)
            {
                continue;
            }
            var gOut = new Variable[node.Outputs.Count];
            for (int o = 0; o < gOut.Length; o++)
            {
                gOut[o] = grads.GetValueOrDefault(node.Outputs[o]) ?? T.ZerosLike(node.Outputs[o]);
            }
            var gIn = InputGradients(node, gOut, reached);
            for (int i = 0; i < gIn.Length; i++)
            {
                var x = node.Inputs[i];
                if (!reached[i] || gIn[i] is not { } g || known.Contains(x))
                {
                    continue;
                }
                grads[x] = Accumulate(grads.GetValueOrDefault(x), g);
            }
        }

        var result = wrt.Select(w =>
        {
            if (grads.TryGetValue(w, out var g))
            {
                if (g is NullGradient nullGradient && !options.ReturnNullGradients)
                {
                    throw new NullTypeGradException($"tensor.grad encountered a NaN. {nullGradient.Why}");
                }
                return g is NullGradient ? g : Typed(g, w);
            }
            Complain(options.DisconnectedInputs,
                "grad method was asked to compute the gradient with respect to a variable that is not part of the " +
                $"computational graph of the {what}, or is used only by a non-differentiable operator: {w}");
            return options.ReturnDisconnected == ReturnDisconnected.Zero
                ? T.ZerosLike(w)
                : new DisconnectedGradient(FloatType(w));
        }).ToArray();
        // Large tables live on the large object heap: see EquilibriumRewrite.Run.Release.
        grads.Clear();
        dependsOnWrt.Clear();
        return result;
    }

    /// <summary>
    /// The gradient of each reached input of <paramref name="node"/>: undefined when an output gradient is; float
    /// zeros when every output is integer-valued (a path through integers carries no gradient, but stays connected);
    /// otherwise the op's pullback, checked against the op contract.
    /// </summary>
    // Its own method: the closure it needs was otherwise allocated on every call of InputGradients.
    private static Variable?[] Undefined(Apply node, string why) =>
        node.Inputs.Select(x => (Variable?)new NullGradient(FloatType(x), why)).ToArray();

    // Whether each op type keeps Op's own pattern (every output depends on every input), and that pattern by arity.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> s_keepsDefaultPattern = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), bool[][]> s_allConnected = new();

    /// <summary>
    /// <paramref name="node"/>'s connection pattern, only to be read: for an op that keeps <see cref="Op"/>'s own
    /// (all connected), one shared table per arity instead of a fresh one per node (gradients ask every node on the
    /// path, and keep the answers until the end).
    /// </summary>
    private static bool[][] PatternOf(Apply node)
    {
        var type = node.Op.GetType();
        if (!s_keepsDefaultPattern.TryGetValue(type, out bool keeps))
        {
            keeps = type.GetMethod(nameof(Op.ConnectionPattern), [typeof(Apply)])?.DeclaringType == typeof(Op);
            s_keepsDefaultPattern[type] = keeps;
        }
        if (!keeps)
        {
            return node.Op.ConnectionPattern(node);
        }
        var arity = (node.Inputs.Count, node.Outputs.Count);
        if (!s_allConnected.TryGetValue(arity, out var pattern))
        {
            pattern = s_allConnected.GetOrAdd(arity, node.Op.ConnectionPattern(node));
        }
        return pattern;
    }

    private static Variable?[] InputGradients(Apply node, Variable[] gOut, bool[] reached)
    {
        if (Array.Find(gOut, g => g is NullGradient) is NullGradient undefined)
        {
            return Undefined(node, undefined.Why);
        }
        if (AllDiscrete(node.Outputs))
        {
            return node.Inputs.Select(x => (Variable?)T.ZerosLike(x)).ToArray();
        }
        // A copy only when a gradient needs the output's static lengths (rare): nodes are differentiated by the
        // hundred thousand.
        var specific = gOut;
        for (int o = 0; o < gOut.Length; o++)
        {
            var g = AsSpecific(gOut[o], node.Outputs[o]);
            if (!ReferenceEquals(g, gOut[o]))
            {
                specific = ReferenceEquals(specific, gOut) ? (Variable[])gOut.Clone() : specific;
                specific[o] = g;
            }
        }
        var gIn = node.Op.Pullback(node, specific, reached)
                  ?? throw new OpContractException($"{node.Op}.grad returned None; it must return one term per input", "TypeError");
        if (gIn.Length != node.Inputs.Count)
        {
            throw new OpContractException(
                $"{node.Op}.grad returned {gIn.Length} term(s) for {node.Inputs.Count} input(s)", "ValueError");
        }
        for (int i = 0; i < gIn.Length; i++)
        {
            if (!reached[i] || gIn[i] is not { } g || g is NullGradient or DisconnectedGradient)
            {
                continue;
            }
            if (g.DType.IsDiscrete())
            {
                throw new OpContractException(
                    $"{node.Op}.grad illegally returned an integer-valued variable (input index {i}, dtype " +
                    $"{g.DType.Name()})", "TypeError");
            }
            if (g.Ndim != node.Inputs[i].Ndim)
            {
                throw new OpContractException(
                    $"{node.Op}.grad returned a term with {g.Ndim} dimensions for input {i}, which has " +
                    $"{node.Inputs[i].Ndim}", "ValueError");
            }
        }
        // The op's array is its own to keep: a copy only where a term changes.
        Variable?[] result = gIn;
        for (int i = 0; i < gIn.Length; i++)
        {
            var term = gIn[i] is DisconnectedGradient ? null : gIn[i];
            if (term is null && reached[i] && node.Inputs[i].DType.IsDiscrete())
            {
                term = FloatGradientOfInteger(node, i, gOut);
            }
            if (!ReferenceEquals(term, gIn[i]))
            {
                result = ReferenceEquals(result, gIn) ? (Variable?[])gIn.Clone() : result;
                result[i] = term;
            }
        }
        return result;
    }

    /// <summary>
    /// Aesara's rule that the gradient with respect to an integer input equals the float one, for engine ops whose
    /// pullback leaves integer inputs out: the same op applied to the input cast to a float, differentiated there.
    /// Null when the op does not accept a float in that place (an index, a length), which then stays disconnected.
    /// </summary>
    private static Variable? FloatGradientOfInteger(Apply node, int index, Variable[] gOut)
    {
        if (node.Op.GetType().Assembly != typeof(Autodiff).Assembly)
        {
            return null;
        }
        var inputs = node.Inputs.ToArray();
        inputs[index] = T.Cast(inputs[index], Config.FloatX);
        Apply twin;
        try
        {
            twin = node.Op.MakeNode(inputs);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (twin.Outputs.Count != node.Outputs.Count
            || twin.Outputs.Zip(node.Outputs).Any(p => p.First.Ndim != p.Second.Ndim || p.First.DType.IsDiscrete()))
        {
            return null;
        }
        var g = twin.Outputs.Select((o, k) => gOut[k].DType == o.DType ? gOut[k] : T.Cast(gOut[k], o.DType)).ToArray();
        var term = twin.Op.Pullback(twin, g)?[index];
        return term is null or NullGradient or DisconnectedGradient || term.DType.IsDiscrete() ? null : term;
    }

    /// <summary>
    /// <paramref name="g"/>, a gradient or tangent shaped like <paramref name="like"/> at run time, with the static
    /// lengths of <paramref name="like"/> its own type lacks: rules may rely on them (a DimShuffle drops only axes of
    /// static length 1), and a derivative computed another way (a solve, a user's eval point) need not carry them.
    /// </summary>
    private static Variable AsSpecific(Variable g, Variable like)
    {
        if (g is NullGradient or DisconnectedGradient || g.Ndim != like.Ndim || !KnowsMore(like.Type, g.Type))
        {
            return g;
        }
        return T.SpecifyShape(g, like.Type.Shape.Zip(g.Type.Shape, (l, own) => l ?? own).ToArray());
    }

    /// <summary>Whether <paramref name="a"/> knows a length that <paramref name="b"/> (of the same rank) does not.</summary>
    private static bool KnowsMore(TensorType a, TensorType b)
    {
        for (int i = 0; i < a.Ndim; i++)
        {
            if (a.Shape[i] is not null && b.Shape[i] is null)
            {
                return true;
            }
        }
        return false;
    }

    private static bool AnyIn(IReadOnlyList<Variable> vs, HashSet<Variable> set)
    {
        for (int i = 0; i < vs.Count; i++)
        {
            if (set.Contains(vs[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool AllDiscrete(IReadOnlyList<Variable> vs)
    {
        for (int i = 0; i < vs.Count; i++)
        {
            if (!vs[i].DType.IsDiscrete())
            {
                return false;
            }
        }
        return true;
    }

    private static Variable Accumulate(Variable? sum, Variable g) => (sum, g) switch
    {
        (null, _) => g,
        (NullGradient, _) => sum,
        (_, NullGradient) => g,
        _ => sum + g,
    };

    /// <summary>A wrt inside consider_constant still gets its own gradient; anything else there stops the flow.</summary>
    private static bool IsBlocked(Variable v, HashSet<Variable> blockers, HashSet<Variable> wrt) =>
        blockers.Contains(v) && !wrt.Contains(v);

    /// <summary>Gradients take the variable's dtype when it is a float, and stay float otherwise.</summary>
    private static Variable Typed(Variable g, Variable w)
    {
        var dtype = w.DType.IsDiscrete() ? (g.DType.IsDiscrete() ? Config.FloatX : g.DType) : w.DType;
        return g.DType == dtype ? g : T.Cast(g, dtype);
    }

    private static TensorType FloatType(Variable x) => x.DType.IsDiscrete() ? x.Type.WithDType(Config.FloatX) : x.Type;

    private static void Complain(DisconnectedPolicy policy, string message)
    {
        switch (policy)
        {
            case DisconnectedPolicy.Raise:
                throw new DisconnectedInputException(message);
            case DisconnectedPolicy.Warn:
                Console.Error.WriteLine("UserWarning: " + message);
                break;
        }
    }

    private static void CheckLike(string fn, Variable v, Variable like, int i)
    {
        Guard.NotNull(v, fn, $"eval point {i}");
        if (v.Ndim != like.Ndim)
        {
            throw new ArgumentException(
                $"{fn}: element {i} of wrt/eval_point have mismatched dimensionality: {like.Ndim} versus {v.Ndim}");
        }
    }
}
