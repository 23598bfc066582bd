using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>MakeVector</c>, for shapes: stacks integer scalars (such as <c>x.shape[0]</c> and constants) into an
/// int64 vector. Its values are lengths, so it passes no gradient.
/// </summary>
public sealed class MakeVector(string dtype) : Op
{
    /// <summary>The element type of the vector; only <c>int64</c> is supported.</summary>
    public string DTypeName { get; } = dtype == "int64"
        ? dtype
        : throw new ArgumentException($"MakeVector: only dtype int64 is supported; got '{dtype}'", nameof(dtype));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("dtype", DTypeName)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].Ndim != 0 || !inputs[i].DType.IsDiscrete() || inputs[i].DType == DType.Bool)
            {
                throw new ArgumentException($"{this}: input {i} expected an integer scalar; got {inputs[i].Type}");
            }
        }
        return new Apply(this, inputs, [new TensorType(DType.Int64, [inputs.Length])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [Kernels.Kernels.MakeVector(inputs)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => new Variable?[node.Inputs.Count];

    /// <summary>Each batched scalar is a column of the result; unbatched ones are broadcast to the batch.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var n = BatchSupport.Length(inputs);
        var columns = inputs.Select(i => T.DimShuffle(BatchSupport.Materialize(i, n), [0, -1])).ToArray();
        return [(T.Cast(T.Join(1, columns), DType.Int64), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override string ToString() => "MakeVector";
}
