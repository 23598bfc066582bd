using Gradient.Graph;

namespace Gradient;

/// <summary>
/// Vectorization over a leading batch axis (JAX's <c>vmap</c>): rebuilds a graph so that every variable depending on
/// some batched inputs carries their extra leading axis, using each op's <see cref="Op.Batch"/> rule. This turns n
/// pullbacks (or pushforwards) into one batched pullback, which is how Jacobians and Hessians are computed.
/// </summary>
public static class Batching
{
    /// <summary>
    /// The graph of <paramref name="outputs"/> with each key of <paramref name="batched"/> replaced by its value, which
    /// has one more leading axis. Returns each output and whether it carries the batch axis (an output that does not
    /// depend on the batched variables comes back unchanged).
    /// </summary>
    /// <exception cref="NotSupportedException">An op on the way has no batching rule.</exception>
    public static (Variable Value, bool Batched)[] Vectorize(IReadOnlyList<Variable> outputs,
        IReadOnlyDictionary<Variable, Variable> batched)
    {
        Guard.NoNulls(outputs, "vectorize");
        Guard.NotNull(batched, "vectorize");
        var map = new Dictionary<Variable, (Variable Value, bool Batched)>();
        foreach (var (key, value) in batched)
        {
            if (value.Ndim != key.Ndim + 1)
            {
                throw new ArgumentException(
                    $"vectorize: the batched value for {key} must have one more axis than {key.Type}; got {value.Type}");
            }
            map[key] = (value, true);
        }
        foreach (var node in GraphOrder.Toposort(outputs, batched.Keys.ToHashSet()))
        {
            var inputs = node.Inputs.Select(x => map.TryGetValue(x, out var m) ? m : (Value: x, Batched: false)).ToArray();
            if (!inputs.Any(i => i.Batched))
            {
                // Unbatched, but an input may have been rebuilt (e.g. a Shape_i of a batched value): rebuild too.
                if (!inputs.Select(i => i.Value).SequenceEqual(node.Inputs))
                {
                    var rebuilt = node.Op.MakeNode(inputs.Select(i => i.Value).ToArray());
                    for (int o = 0; o < node.Outputs.Count; o++)
                    {
                        map[node.Outputs[o]] = (rebuilt.Outputs[o], false);
                    }
                }
                continue;
            }
            var results = node.Op.Batch(node, inputs)
                          ?? throw new NotSupportedException(
                              $"vectorize: {node.Op} ({node.Op.ClassName}) has no batching rule yet, so Jacobians and " +
                              "Hessians through it cannot be vectorized");
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                map[node.Outputs[o]] = results[o];
            }
        }
        return outputs.Select(y => map.TryGetValue(y, out var m) ? m : (Value: y, Batched: false)).ToArray();
    }
}
