using System.Runtime.InteropServices;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Rewrites;

/// <summary>
/// Computes at compile time a node whose inputs are all constants (Aesara's <c>constant_folding</c>), running the
/// op's own <see cref="Op.Perform"/> on the constant values inside a DisposeScope; the result becomes a constant
/// that owns its value.
/// </summary>
/// <remarks>
/// Not folded: outputs whose static shape is not fully known (a constant's type is fully static, so it could not
/// replace the output without changing its type); outputs of more than <see cref="MaxElements"/> elements (a
/// broadcast such as <c>second(big, 0)</c> is cheap to compute per call but would pin that much memory per compiled
/// function); and nodes whose computation throws (the error then surfaces when the function runs, as it would
/// without folding).
/// </remarks>
/// <param name="maxElements">The largest output, in elements, that is folded.</param>
public sealed class ConstantFolding(long maxElements = ConstantFolding.DefaultMaxElements) : ILocalRewrite
{
    /// <summary>The default limit: a million elements (8 MB of float64).</summary>
    public const long DefaultMaxElements = 1_000_000;

    /// <summary>The largest output, in elements, that is folded.</summary>
    public long MaxElements { get; } = maxElements;

    /// <inheritdoc/>
    public string Name => "constant_folding";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!node.Op.IsDeterministic || node.Inputs.Any(v => v is not Constant))
        {
            return null;
        }
        foreach (var o in node.Outputs)
        {
            if (o.Type.Shape.Any(n => n is null) || o.Type.Shape.Aggregate(1L, (a, n) => a * n!.Value) > MaxElements)
            {
                return null;
            }
        }
        using var scope = torch.NewDisposeScope();
        torch.Tensor[] values;
        try
        {
            values = node.Op.Perform(node, node.Inputs.Select(v => ((Constant)v).Value).ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException
                                   or ExternalException)
        {
            return null;
        }
        // A sparse result stays computed: constants hold dense values (merging and JSON read their bytes).
        if (values.Any(v => v.is_sparse))
        {
            return null;
        }
        var result = new Variable?[node.Outputs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            // The constant copies the value out of the scope; the scope frees what Perform made.
            // Folding bare numbers gives a bare number: it must not start deciding dtypes when a rule rebuilds a node.
            var folded = new Constant(values[i], weak: node.Inputs.All(v => v is Constant { IsWeak: true }));
            if (!folded.Type.Equals(node.Outputs[i].Type))
            {
                return null;
            }
            result[i] = folded;
        }
        return result;
    }
}
