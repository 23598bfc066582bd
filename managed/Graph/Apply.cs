namespace Gradient.Graph;

/// <summary>One application of an <see cref="Graph.Op"/> to input variables, producing output variables.</summary>
public sealed class Apply
{
    /// <summary>Creates the node and its outputs, one per type.</summary>
    public Apply(Op op, IReadOnlyList<Variable> inputs, IReadOnlyList<TensorType> outputTypes)
    {
        Op = op;
        Inputs = inputs.ToArray();
        Outputs = outputTypes.Select((t, i) => new Variable(t, this, i)).ToArray();
    }

    /// <summary>The operation.</summary>
    public Op Op { get; }

    /// <summary>Inputs, in the op's order.</summary>
    public IReadOnlyList<Variable> Inputs { get; }

    /// <summary>Outputs, in the op's order.</summary>
    public IReadOnlyList<Variable> Outputs { get; }

    /// <summary>The single output of a one-output op.</summary>
    public Variable Output => Outputs.Count == 1
        ? Outputs[0]
        : throw new InvalidOperationException($"{Op} has {Outputs.Count} outputs; pick one from Outputs");

    /// <inheritdoc/>
    public override string ToString() => $"{Op}({string.Join(", ", Inputs)})";
}
