using Gradient.Graph;
using Gradient.Ops;

namespace Gradient;

/// <summary>
/// Gradient checkpointing (JAX's <c>jax.checkpoint</c>, also called rematerialization): marks a segment of the graph
/// so that the backward pass recomputes the segment's intermediate values instead of keeping them alive from the
/// forward pass. It trades time (one more forward pass through the segment) for memory (only the segment's inputs
/// and outputs live between the two passes).
/// </summary>
/// <remarks>
/// <para>A segment is an <see cref="OpFromGraph"/> with <see cref="OpFromGraphOptions.Checkpoint"/> set. Its forward
/// node runs the segment's compiled inner function, which frees every intermediate before it returns. Its pullback is
/// the default one of <see cref="OpFromGraph"/>: a gradient op that takes the segment's inputs, outputs and output
/// gradients, recomputes inside itself the intermediate values the gradient needs, and returns the input gradients.
/// Nothing in the autodiff is special: the recomputation is the op's pullback, so second derivatives, Lop, jacobians
/// and nesting work as for any op, and a checkpoint is never inlined or merged with the forward computation.</para>
/// <para>Three ways to make one: <see cref="Apply(Func{Variable[], Variable[]}, Variable[])"/> on a function (the
/// JAX style; variables the function closes over become inputs of the segment), <see cref="Of(Variable,
/// IReadOnlyList{Variable}?)"/> on an expression already built (the segment reaches back to the given inputs, or to
/// the nearest earlier checkpoints and the graph's inputs), and <see cref="Segment"/> on explicit inputs and outputs
/// (the hook for ops that build their own segments, such as a scan that checkpoints every k steps).</para>
/// <para>A segment must be deterministic: recomputing random draws would give other numbers.</para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>
    /// The checkpoint op computing <paramref name="outputs"/> from <paramref name="inputs"/> (shared variables and
    /// constants are taken in automatically).
    /// </summary>
    /// <exception cref="NotSupportedException">The segment draws random numbers (or runs Python code that may).</exception>
    public static OpFromGraph Segment(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs, string? name = null)
    {
        var op = new OpFromGraph(inputs, outputs, new OpFromGraphOptions { Checkpoint = true, Name = name ?? "checkpoint" });
        if (!op.IsDeterministic)
        {
            throw new NotSupportedException(
                "checkpoint: the segment is not deterministic (it draws random numbers or runs Python code): " +
                "recomputing it in the backward pass would not give the values of the forward pass");
        }
        return op;
    }

    /// <summary>
    /// Applies <paramref name="fn"/> to <paramref name="args"/> as a checkpointed segment: <paramref name="fn"/> is
    /// called once on new variables typed like the arguments; the variables its result needs beyond them (those it
    /// closes over, e.g. weights) become extra inputs of the segment.
    /// </summary>
    public static Variable[] Apply(Func<Variable[], Variable[]> fn, params Variable[] args)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(args);
        var placeholders = args.Select(a => new Variable(a.Type, name: a.Name)).ToArray();
        var outputs = fn(placeholders) ?? throw new ArgumentException("checkpoint: the function returned null");
        var free = FreeVariables(outputs, placeholders);
        var op = Segment([.. placeholders, .. free], outputs);
        return op.MakeNode([.. args, .. free]).Outputs.ToArray();
    }

    /// <summary>Applies a one-input, one-output <paramref name="fn"/> to <paramref name="arg"/> as a checkpointed segment.</summary>
    public static Variable Apply(Func<Variable, Variable> fn, Variable arg)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return Apply(xs => [fn(xs[0])], arg)[0];
    }

    /// <summary>
    /// The expression <paramref name="output"/> recomputed as a checkpointed segment: a new variable with the same
    /// value, to use in its place. The segment reaches back to <paramref name="inputs"/> when given; otherwise to the
    /// outputs of earlier checkpoints and to the graph's inputs.
    /// </summary>
    public static Variable Of(Variable output, IReadOnlyList<Variable>? inputs = null) => Of([output], inputs)[0];

    /// <inheritdoc cref="Of(Variable, IReadOnlyList{Variable}?)"/>
    public static Variable[] Of(IReadOnlyList<Variable> outputs, IReadOnlyList<Variable>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var boundary = inputs?.ToList() ?? Boundary(outputs);
        var op = Segment(boundary, outputs);
        return op.MakeNode(boundary.ToArray()).Outputs.ToArray();
    }

    /// <summary>
    /// The inputs of the segment ending at <paramref name="outputs"/>: walking back, the outputs of earlier
    /// checkpoint nodes and the graph's inputs (constants and shared variables stay inside the segment).
    /// </summary>
    public static List<Variable> Boundary(IReadOnlyList<Variable> outputs)
    {
        var stop = new HashSet<Variable>();
        var seen = new HashSet<Variable>();
        var stack = new Stack<Variable>(outputs);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            if (!seen.Add(v))
            {
                continue;
            }
            if (v.Owner is { Op: OpFromGraph { IsCheckpoint: true } } && !outputs.Contains(v))
            {
                stop.Add(v);
                continue;
            }
            foreach (var input in v.Owner?.Inputs ?? [])
            {
                stack.Push(input);
            }
        }
        return GraphOrder.GraphInputs(outputs, stop).Where(v => v is not Constant && v is not SharedVariable).ToList();
    }

    /// <summary>The variables <paramref name="outputs"/> need beyond <paramref name="bound"/>, constants and shared ones.</summary>
    public static List<Variable> FreeVariables(IReadOnlyList<Variable> outputs, IReadOnlyList<Variable> bound)
    {
        var boundSet = bound.ToHashSet();
        return GraphOrder.GraphInputs(outputs, boundSet)
            .Where(v => !boundSet.Contains(v) && v is not Constant && v is not SharedVariable)
            .ToList();
    }
}
