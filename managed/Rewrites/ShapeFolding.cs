using Gradient.Graph;
using Gradient.Ops;
using TorchSharp;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// Static shape inference for <see cref="Shape"/> and <see cref="ShapeI"/> (Aesara's <c>ShapeFeature</c> rewrites, in
/// small): <c>x.shape</c> becomes a constant when x's static shape is fully known, <c>Shape_i{i}(x)</c> when its
/// axis i is; otherwise <c>Shape_i</c> is moved to an input of the node that made x when that input has the same
/// length on that axis (an element-wise input that is not broadcast there, the source axis of a
/// <see cref="DimShuffle"/>, the kept axis of a <see cref="Sum"/>), so a function that only needs a shape no longer
/// computes the values.
/// </summary>
public sealed class ShapeFolding : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_shape_to_constant";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        var x = node.Inputs.Count == 1 ? node.Inputs[0] : null;
        switch (node.Op)
        {
            case Shape when x!.Type.Shape.All(n => n is not null):
                return One(Fit(LongConstant(x.Type.Shape.Select(n => n!.Value).ToArray(), vector: true), node.Outputs[0]));
            case ShapeI shapeI when x!.Type.Shape[shapeI.I] is long n:
                return One(Fit(LongConstant([n], vector: false), node.Outputs[0]));
            case ShapeI shapeI when Lift(x!, shapeI.I) is { } lifted:
                return One(Fit(lifted, node.Outputs[0]));
            default:
                return null;
        }
    }

    /// <summary>A variable with the run-time length of axis <paramref name="axis"/> of <paramref name="x"/>, read further up.</summary>
    private static Variable? Lift(Variable x, int axis) =>
        LiftOnce(x, axis) is var (input, inputAxis) ? new ShapeI(inputAxis).Call(input) : null;

    /// <summary>
    /// An input of the node that made <paramref name="x"/> and its axis that has the run-time length of axis
    /// <paramref name="axis"/> of <paramref name="x"/>, or null when the node does not say.
    /// </summary>
    private static (Variable Input, int Axis)? LiftOnce(Variable x, int axis)
    {
        switch (x.Owner?.Op)
        {
            case Elemwise:
                // Elemwise checks at run time that every input not statically 1 on an axis has the output's length.
                foreach (var input in x.Owner.Inputs)
                {
                    if (input.Type.Shape[axis] != 1)
                    {
                        return (input, axis);
                    }
                }
                return null;
            case DimShuffle shuffle:
                return shuffle.Order[axis] < 0 ? null : (x.Owner.Inputs[0], shuffle.Order[axis]);
            case Sum { Axes: { } axes }:
                int source = Enumerable.Range(0, x.Owner.Inputs[0].Ndim).Where(a => !axes.Contains(a)).ElementAt(axis);
                return (x.Owner.Inputs[0], source);
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether axis <paramref name="axis"/> of <paramref name="x"/> and the integer scalar <paramref name="length"/>
    /// are equal at run time, as far as the graph shows: equal static lengths, or both read (through
    /// <see cref="ShapeI"/>, element-wise nodes, <see cref="DimShuffle"/>s, sums and <see cref="Eye"/>'s sizes) from the
    /// same axis of the same variable.
    /// </summary>
    internal static bool SameLength(Variable x, int axis, Variable length)
    {
        if (x.Type.Shape[axis] is long n && length is Constant && IsFilledWith(length, n))
        {
            return true;
        }
        return Source(x, axis) == ValueSource(length);
    }

    // Where a length comes from: the variable and axis it is read off, or (scalar, -1) for a scalar's value.
    private static (Variable, int) Source(Variable x, int axis)
    {
        while (true)
        {
            if (x.Owner is { Op: Eye } eye && axis < 2)
            {
                return ValueSource(eye.Inputs[axis]);
            }
            if (LiftOnce(x, axis) is not var (input, inputAxis))
            {
                return (x, axis);
            }
            (x, axis) = (input, inputAxis);
        }
    }

    private static (Variable, int) ValueSource(Variable length) =>
        length.Owner is { Op: ShapeI shapeI } owner ? Source(owner.Inputs[0], shapeI.I) : (length, -1);

    private static Constant LongConstant(long[] values, bool vector)
    {
        using var scope = torch.NewDisposeScope();
        var t = vector ? torch.tensor(values, torch.ScalarType.Int64) : torch.tensor(values[0], torch.ScalarType.Int64);
        return new Constant(t);
    }
}
