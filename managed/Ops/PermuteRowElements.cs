using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>PermuteRowElements</c>: inputs <c>(x, y, inverse)</c>; permutes the last axis of x by the integer
/// permutations y, <c>out[..., i] = x[..., y[..., i]]</c>, or, when inverse is non-zero, by their inverses
/// <c>out[..., y[..., i]] = x[..., i]</c>. x and y have one rank and broadcast on the other axes (axes of static length
/// 1 only). Linear in x: the pullback applies the opposite permutation to the output gradient and sums it over x's
/// broadcast axes; the pushforward (which Aesara lacks) permutes the tangent.
/// </summary>
public sealed class PermuteRowElements : Op
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        var (x, y, inverse) = (inputs[0], inputs[1], inputs[2]);
        if (!y.DType.IsDiscrete() || y.DType == DType.Bool || x.Ndim != y.Ndim || x.Ndim < 1)
        {
            throw new ArgumentException(
                $"{this}: expected x and integer permutations y of one rank >= 1; got {x.Type} and {y.Type}");
        }
        RequireIntScalar(this, inverse, "inverse", allowBool: true);
        var shape = new long?[x.Ndim];
        for (int a = 0; a < x.Ndim; a++)
        {
            long? p = x.Type.Shape[a], q = y.Type.Shape[a];
            if (p is long m && q is long n && m != n && (a == x.Ndim - 1 || (m != 1 && n != 1)))
            {
                throw new ArgumentException($"{this}: {x.Type} and {y.Type} do not match on axis {a}");
            }
            shape[a] = a == x.Ndim - 1 ? p ?? q : p == 1 ? q : q == 1 ? p : p ?? q;
        }
        return new Apply(this, inputs, [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, the permutations and the flag are disconnected.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [false], [false]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var (x, y) = (inputs[0], inputs[1]);
        if (x.dim() == y.dim())
        {
            for (int a = 0; a < x.dim() - 1; a++)
            {
                if (x.Lengths()[a] != y.Lengths()[a]
                    && ((x.Lengths()[a] == 1 && node.Inputs[0].Type.Shape[a] != 1)
                        || (y.Lengths()[a] == 1 && node.Inputs[1].Type.Shape[a] != 1)))
                {
                    throw new ArgumentException(
                        $"{this}: shapes {Kernels.Kernels.Show(x.Lengths())} and {Kernels.Kernels.Show(y.Lengths())} differ on " +
                        $"axis {a}; only axes of static length 1 broadcast");
                }
            }
        }
        bool inverse = Kernels.Kernels.ScalarLong(inputs[2], "PermuteRowElements", "inverse") != 0;
        return [Kernels.Kernels.PermuteRowElements(x, y, inverse)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y, inverse) = (node.Inputs[0], node.Inputs[1], node.Inputs[2]);
        if (x.DType.IsDiscrete())
        {
            return [null, null, null];
        }
        var opposite = inverse is Constant c && c.ScalarValue is double v
            ? Long(v == 0 ? 1 : 0)
            : T.Eq(inverse, T.Constant(0L));
        var back = Call(outputGradients[0], y, opposite);
        return [ReduceTo(back, x.Type, x.DType), null, null];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx, node.Inputs[1], node.Inputs[2]) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "PermuteRowElements";
}
