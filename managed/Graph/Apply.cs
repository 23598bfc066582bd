namespace Gradient.Graph;

/// <summary>One application of an <see cref="Graph.Op"/> to input variables, producing output variables.</summary>
public sealed class Apply
{
    /// <summary>Creates the node and its outputs, one per type.</summary>
    public Apply(Op op, IReadOnlyList<Variable> inputs, IReadOnlyList<TensorType> outputTypes)
    {
        Op = op;
        _inputs = inputs.ToArray();
        foreach (var input in _inputs)
        {
            switch (input)
            {
                case NullGradient n:
                    throw new NullTypeGradException(
                        $"{op}: cannot compute with an undefined gradient (NullType): {n.Why}");
                case DisconnectedGradient:
                    throw new ArgumentException(
                        $"{op}: cannot compute with a disconnected gradient placeholder (DisconnectedType); ask for " +
                        "zeros with return_disconnected='zero'");
            }
        }
        Outputs = outputTypes.Select((t, i) => new Variable(t, this, i)).ToArray();
    }

    /// <summary>The operation.</summary>
    public Op Op { get; }

    private readonly Variable[] _inputs;

    /// <summary>Inputs, in the op's order.</summary>
    public IReadOnlyList<Variable> Inputs => _inputs;

    /// <summary>Outputs, in the op's order.</summary>
    public IReadOnlyList<Variable> Outputs { get; }

    /// <summary>The single output of a one-output op.</summary>
    public Variable Output => Outputs.Count == 1
        ? Outputs[0]
        : throw new InvalidOperationException($"{Op} has {Outputs.Count} outputs; pick one from Outputs");

    /// <summary>
    /// Rewires input <paramref name="index"/>. Only a <see cref="FunctionGraph"/> does this, on nodes it owns
    /// (its private clone of the user's graph), with a variable of the same type.
    /// </summary>
    internal void SetInput(int index, Variable value) => _inputs[index] = value;

    /// <inheritdoc/>
    public override string ToString() => $"{Op}({string.Join(", ", Inputs)})";
}
