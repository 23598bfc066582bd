using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>CumOp</c>: the cumulative sum (<see cref="Mode"/> <c>"add"</c>) or product (<c>"mul"</c>) along
/// <see cref="Axis"/>, or along the row-major flattening when it is null (the output is then a vector). The dtype
/// is kept, as in Aesara.
/// </summary>
/// <remarks>
/// <para>cumsum is linear: its pushforward is the cumsum of the tangent and its pullback the reversed cumulative
/// sum of the output gradient.</para>
/// <para>cumprod: with y = cumprod(x), dy_j/dx_i = Π_{k≤j, k≠i} x_k for i ≤ j. Both derivatives are computed
/// exactly when the slice holds zeros, without dividing by a product that may be zero: let m mark the positions
/// before the first zero of the slice, f the first zero itself, and y' the cumprod with that zero replaced by 1.
/// Then the pullback is <c>m · rcumsum(g y) / x + f · rcumsum(g y' (1 - m))</c> (rcumsum: reversed cumulative
/// sum; the division is only by non-zero factors) and the pushforward <c>m · y · cumsum(m dx / x) + (1 - m) · y' ·
/// cumsum(f dx)</c>. Second derivatives are exact where the slice holds no zero (the masks are constants).</para>
/// </remarks>
/// <param name="axis">The non-negative axis, or null for the flattened input.</param>
/// <param name="mode"><c>"add"</c> or <c>"mul"</c>.</param>
public sealed class CumOp(int? axis, string mode) : Op
{
    /// <summary>The axis, or null for the flattened input.</summary>
    public int? Axis { get; } = axis;

    /// <summary><c>"add"</c> (cumsum) or <c>"mul"</c> (cumprod).</summary>
    public string Mode { get; } = mode is "add" or "mul"
        ? mode
        : throw new ArgumentException($"CumOp: mode must be 'add' or 'mul'; got '{mode}'", nameof(mode));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axis), new("mode", Mode)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (Axis is int a && (a < 0 || a >= x.Ndim))
        {
            throw new ArgumentException($"{this}: axis {a} is out of range for {x.Type}", nameof(inputs));
        }
        var type = Axis is null
            ? new TensorType(x.DType, [x.Type.Shape.Aggregate((long?)1, (n, m) => n * m)])
            : x.Type;
        return new Apply(this, [x], [type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Cumulative(inputs[0], Axis, Mode == "mul", node.Outputs[0].DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        if (x.DType.IsComplex())
        {
            throw new NotSupportedException($"{this}: gradients of complex values are not supported");
        }
        var g = outputGradients[0];
        int axis = Axis ?? 0;
        Variable gx;
        if (Mode == "add")
        {
            gx = ReverseCumSum(g, axis);
        }
        else
        {
            var xs = Axis is null ? T.Flatten(x, 1) : x;
            var (before, first, yp) = Zeros(xs, axis);
            var safe = before * xs + (1.0 - before);
            gx = before * ReverseCumSum(g * node.Outputs[0], axis) / safe
                 + first * ReverseCumSum(g * yp * (1.0 - before), axis);
        }
        if (Axis is null)
        {
            gx = T.Reshape(gx, T.Shape(x));
        }
        return [ReduceAxes.Typed(gx, x)];
    }

    /// <summary>The axis shifted past the batch axis; without an axis, each member is flattened first.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        var rows = Axis is not null ? x : x.Ndim == 1 ? T.DimShuffle(x, [0, -1]) : T.Flatten(x, 2);
        return [(new CumOp((Axis ?? 0) + 1, Mode).Call(rows), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var x = node.Inputs[0];
        if (inputTangents[0] is not { } dx || x.DType.IsDiscrete())
        {
            return [null];
        }
        if (Mode == "add")
        {
            return [Call(dx)];
        }
        int axis = Axis ?? 0;
        var (xs, dxs) = Axis is null ? (T.Flatten(x, 1), T.Flatten(dx, 1)) : (x, dx);
        var sum = new CumOp(axis, "add");
        var (before, first, yp) = Zeros(xs, axis);
        var safe = before * xs + (1.0 - before);
        var dy = before * node.Outputs[0] * sum.Call(before * dxs / safe) + (1.0 - before) * yp * sum.Call(first * dxs);
        return [dy.DType == x.DType ? dy : T.Cast(dy, x.DType)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"CumOp{{{Axis?.ToString() ?? "None"}, {Mode}}}";

    /// <summary>
    /// Masks along <paramref name="axis"/>: 1 before the first zero of the slice, 1 at the first zero, and the
    /// cumulative product with that first zero replaced by 1.
    /// </summary>
    private static (Variable Before, Variable First, Variable Replaced) Zeros(Variable x, int axis)
    {
        var isZero = T.Cast(T.Eq(x, T.ZerosLike(x)), x.DType);
        var count = new CumOp(axis, "add").Call(isZero);
        var before = T.Cast(T.Eq(count, T.ZerosLike(count)), x.DType);
        var first = isZero * T.Cast(T.Eq(count, T.OnesLike(count)), x.DType);
        return (before, first, new CumOp(axis, "mul").Call(x + first));
    }

    /// <summary>Σ_{j ≥ i} v_j along <paramref name="axis"/>: flip, cumsum, flip.</summary>
    private static Variable ReverseCumSum(Variable v, int axis) =>
        Flip(new CumOp(axis, "add").Call(Flip(v, axis)), axis);

    private static Variable Flip(Variable v, int axis) =>
        T.Subtensor(v, Enumerable.Range(0, axis + 1)
            .Select(a => a == axis ? IndexEntry.Slice(null, null, -1) : IndexEntry.All).ToArray());
}
