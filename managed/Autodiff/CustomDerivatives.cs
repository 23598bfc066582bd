using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient;

/// <summary>
/// Custom derivative rules for functions of variables (JAX's <c>custom_vjp</c> and <c>custom_jvp</c>), built on
/// <see cref="OpFromGraph"/>: applying the returned function makes one inline node whose pullback (or pushforward) is
/// the rule. Variables a function closes over, rather than takes as arguments, are differentiated through the
/// function's own graph.
/// </summary>
public static class CustomDerivatives
{
    /// <summary>The forward rule of a VJP: the outputs (ignored: the function's own are used) and the residuals.</summary>
    public delegate (Variable[] Outputs, Variable[] Residuals) Forward(Variable[] args);

    /// <summary>The backward rule of a VJP: one cotangent per argument (null for zero) from the residuals and the output cotangents.</summary>
    public delegate Variable?[] Backward(IReadOnlyList<Variable> residuals, IReadOnlyList<Variable> outputCotangents);

    /// <summary>A JVP rule: the tangent of each output (null for zero), linear in <c>tangents</c>.</summary>
    public delegate Variable?[] Tangent(IReadOnlyList<Variable> primals, IReadOnlyList<Variable> tangents);

    /// <summary>
    /// <paramref name="fn"/> with the reverse-mode rule (<paramref name="fwd"/>, <paramref name="bwd"/>). The residuals
    /// are computed in the forward pass, in the outer graph, and passed to the node, whose pullback gives the rule's
    /// cotangents for the arguments and nothing for the residuals: a second derivative differentiates the rule's graph,
    /// and through the residuals <paramref name="fwd"/>'s graph, as JAX does. Forward mode differentiates
    /// <paramref name="fn"/>.
    /// </summary>
    public static Func<Variable[], Variable[]> Vjp(Func<Variable[], Variable[]> fn, Forward fwd, Backward bwd, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(fwd);
        ArgumentNullException.ThrowIfNull(bwd);
        string label = name ?? "custom_vjp";
        return args =>
        {
            var standIns = StandIns(args);
            var outputs = fn(standIns);
            var residuals = fwd(args).Residuals;
            var residualStandIns = StandIns(residuals);
            var free = Checkpoint.FreeVariables(outputs, standIns);
            int nArgs = args.Length, nRes = residuals.Length;
            var op = new OpFromGraph([.. standIns, .. residualStandIns, .. free], outputs, new OpFromGraphOptions
            {
                Inline = true,
                Name = label,
                LopOverride = (inputs, outs, grads) =>
                {
                    var cts = bwd(inputs.Skip(nArgs).Take(nRes).ToArray(), grads);
                    if (cts is null || cts.Length != nArgs)
                    {
                        throw new OpContractException($"{label}: the backward rule must return one cotangent per " +
                            $"argument ({nArgs}); got {cts?.Length.ToString() ?? "null"}", "TypeError");
                    }
                    Variable?[] terms = [.. cts, .. new Variable?[nRes]];
                    return WithDefaults(terms, inputs, nArgs + nRes, () => OpFromGraph.DefaultGradients(inputs, outs, grads));
                },
            });
            return op.MakeNode([.. args, .. residuals, .. free]).Outputs.ToArray();
        };
    }

    /// <summary>
    /// <paramref name="fn"/> with the forward-mode rule <paramref name="jvp"/>, which reverse mode uses too: the
    /// transpose of the (linear) tangent map, found by differentiating it with respect to the tangents.
    /// </summary>
    /// <exception cref="ArgumentException">When reverse mode needs it: the rule is not linear in the tangents.</exception>
    public static Func<Variable[], Variable[]> Jvp(Func<Variable[], Variable[]> fn, Tangent jvp, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(jvp);
        string label = name ?? "custom_jvp";
        return args =>
        {
            var standIns = StandIns(args);
            var outputs = fn(standIns);
            var free = Checkpoint.FreeVariables(outputs, standIns);
            int nArgs = args.Length;
            OpFromGraph? self = null;
            Variable?[] Rule(IReadOnlyList<Variable> primals, IReadOnlyList<Variable> tangents)
            {
                var t = jvp(primals, tangents);
                if (t is null || t.Length != outputs.Length)
                {
                    throw new OpContractException($"{label}: the JVP rule must return one tangent per output " +
                        $"({outputs.Length}); got {t?.Length.ToString() ?? "null"}", "TypeError");
                }
                return t;
            }
            self = new OpFromGraph([.. standIns, .. free], outputs, new OpFromGraphOptions
            {
                Inline = true,
                Name = label,
                RopOverride = (inputs, points) =>
                {
                    var tangents = Rule(inputs.Take(nArgs).ToArray(), points.Take(nArgs).ToArray());
                    if (inputs.Count == nArgs)
                    {
                        return tangents;
                    }
                    // The closed-over variables' part, through the function's own graph.
                    var rest = Autodiff.Rop(self!.InnerOutputs, inputs.Skip(nArgs).ToArray(), points.Skip(nArgs).ToArray(),
                        DisconnectedPolicy.Ignore, ReturnDisconnected.Disconnected);
                    return tangents.Zip(rest, (t, r) => r is DisconnectedGradient ? t : t is null ? r : t + r).ToArray();
                },
                LopOverride = (inputs, outs, grads) =>
                {
                    var primals = inputs.Take(nArgs).ToArray();
                    var vs = primals.Select(p => new Variable(p.DType.IsDiscrete() ? p.Type.WithDType(Config.FloatX) : p.Type))
                        .ToArray();
                    var tangents = Rule(primals, vs);
                    var pairs = tangents.Select((t, o) => (t, g: grads[o])).Where(p => p.t is not null).ToArray();
                    var cts = pairs.Length == 0
                        ? new Variable?[nArgs]
                        : Autodiff.Vjp(pairs.Select(p => p.t!).ToArray(), vs, pairs.Select(p => p.g).ToArray(), new GradOptions
                        {
                            DisconnectedInputs = DisconnectedPolicy.Ignore,
                            ReturnDisconnected = ReturnDisconnected.Disconnected,
                            ReturnNullGradients = true,
                        }).Select(c => c is DisconnectedGradient ? null : (Variable?)c).ToArray();
                    var real = cts.OfType<Variable>().Where(c => c is not NullGradient).ToArray();
                    if (DependsOnValuesOf(vs, real))
                    {
                        throw new ArgumentException($"{label}: the tangent output of the JVP rule is not linear in the " +
                            "tangents, so reverse mode cannot transpose it; define a custom VJP instead");
                    }
                    // The transpose may still read the tangents' shapes (a sum's gradient is shaped like its input):
                    // the primals, of the same shapes, stand in for them.
                    var replace = vs.Select((v, k) => (v, p: T.Cast(primals[k], v.DType))).ToDictionary(x => x.v, x => x.p);
                    var cloned = OpFromGraph.CloneReplace(real, replace);
                    int next = 0;
                    var transposed = cts.Select(c => c is null or NullGradient ? c : cloned[next++]).ToArray();
                    return WithDefaults(transposed, inputs, nArgs, () => OpFromGraph.DefaultGradients(inputs, outs, grads));
                },
            });
            return self.MakeNode([.. args, .. free]).Outputs.ToArray();
        };
    }

    /// <summary>
    /// Whether any of <paramref name="outputs"/> depends on the values (not only the shapes) of
    /// <paramref name="inputs"/>: through connected inputs of each op, except the first input of an element-wise
    /// <c>second</c> (<c>fill</c>), which gives only its shape.
    /// </summary>
    public static bool DependsOnValuesOf(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs)
    {
        var dependent = new HashSet<Variable>(inputs);
        foreach (var node in GraphOrder.Toposort(outputs, dependent))
        {
            if (!node.Inputs.Any(dependent.Contains))
            {
                continue;
            }
            var pattern = node.Op.ConnectionPattern(node);
            bool fill = node.Op is Elemwise { Scalar.Name: "second" };
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                if (Enumerable.Range(0, node.Inputs.Count)
                    .Any(i => pattern[i][o] && !(fill && i == 0) && dependent.Contains(node.Inputs[i])))
                {
                    dependent.Add(node.Outputs[o]);
                }
            }
        }
        return outputs.Any(dependent.Contains);
    }

    private static Variable[] StandIns(Variable[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Select((a, i) => new Variable((a ?? throw new ArgumentNullException(nameof(args), $"argument {i} is null")).Type,
            name: a.Name)).ToArray();
    }

    /// <summary>The rule's terms for the arguments, then the default gradient for every other inner input.</summary>
    private static Variable?[] WithDefaults(Variable?[] terms, IReadOnlyList<Variable> inputs, int nArgs, Func<Variable[]> defaults)
    {
        if (inputs.Count == nArgs)
        {
            return terms;
        }
        var all = defaults();
        return [.. terms, .. all.Skip(nArgs)];
    }
}
