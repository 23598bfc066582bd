using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.Scan;

/// <summary>Graph surgery the loop's builder, derivatives and rewrites share.</summary>
internal static class ScanGraph
{
    /// <summary>
    /// The graphs of <paramref name="outputs"/> with each key of <paramref name="replace"/> replaced by its value.
    /// Nodes that read nothing replaced are shared, not copied; a node whose inputs changed type is rebuilt through
    /// its op (<see cref="Op.MakeNode"/>), otherwise copied with its output types.
    /// </summary>
    public static Variable[] Replace(IReadOnlyList<Variable> outputs, IReadOnlyDictionary<Variable, Variable> replace)
    {
        if (replace.Count == 0)
        {
            return outputs.ToArray();
        }
        var memo = new Dictionary<Variable, Variable>(replace);
        Variable Map(Variable v) => memo.TryGetValue(v, out var r) ? r : v;
        foreach (var node in GraphOrder.Toposort(outputs, replace.Keys.ToHashSet()))
        {
            var inputs = node.Inputs.Select(Map).ToArray();
            if (inputs.Zip(node.Inputs).All(p => ReferenceEquals(p.First, p.Second)))
            {
                continue;
            }
            bool sameTypes = inputs.Zip(node.Inputs).All(p => p.First.Type.Equals(p.Second.Type));
            var copy = sameTypes
                ? new Apply(node.Op, inputs, node.Outputs.Select(o => o.Type).ToArray())
                : node.Op.MakeNode(inputs);
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                copy.Outputs[i].Name ??= node.Outputs[i].Name;
                memo[node.Outputs[i]] = copy.Outputs[i];
            }
        }
        return outputs.Select(Map).ToArray();
    }

    /// <summary>A new free variable of <paramref name="type"/>.</summary>
    public static Variable Fresh(TensorType type, string? name = null) => new(type, null, 0, name);

    /// <summary>A new free variable typed like <paramref name="like"/>, named after it with <paramref name="suffix"/>.</summary>
    public static Variable FreshLike(Variable like, string suffix = "") =>
        Fresh(like.Type, like.Name is null ? null : like.Name + suffix);

    /// <summary>The type of one row of <paramref name="x"/> (its first axis dropped).</summary>
    public static TensorType RowType(Variable x) => new(x.DType, x.Type.Shape.Skip(1).ToArray());

    /// <summary>A basic index with constant entries, in numpy notation (e.g. <c>"2:"</c>, <c>"-1"</c>).</summary>
    public static Variable Index(Variable x, params string[] entries) =>
        entries.All(e => e is ":" or "0:") ? x : new Subtensor(entries).Call(x);

    /// <summary>x with a new leading axis of length 1.</summary>
    public static Variable PadLeft(Variable x) => T.DimShuffle(x, [-1, .. Enumerable.Range(0, x.Ndim)]);

    /// <summary>A 0-d int64 constant.</summary>
    public static Variable Long(long value) => StructureSupport.Long(value);

    /// <summary>The length of axis 0 of x (a constant when known).</summary>
    public static Variable Rows(Variable x) => StructureSupport.Length(x, 0);

    /// <summary><c>zeros((rows, *x.shape[1:]))</c> of x's dtype.</summary>
    public static Variable ZeroRows(Variable x, Variable rows) =>
        T.Alloc(T.Cast(T.Constant(0L), x.DType), [rows, .. RowShape(x)]);

    /// <summary><paramref name="v"/> reshaped to <c>(-1, *x.shape[1:])</c>: rows shaped like those of x.</summary>
    public static Variable AsRowsOf(Variable v, Variable x) => T.Reshape(v, T.MakeVector([Long(-1), .. RowShape(x)]));

    /// <summary>The lengths of x's axes after the first (constants when known).</summary>
    private static IEnumerable<Variable> RowShape(Variable x) =>
        Enumerable.Range(1, x.Ndim - 1).Select(a => StructureSupport.Length(x, a));

    /// <summary>
    /// True when <paramref name="g"/> is all zeros by construction (<c>zeros_like</c>, a filled constant 0): such an
    /// output gradient is left out of a derivative loop.
    /// </summary>
    public static bool IsZero(Variable g)
    {
        while (true)
        {
            switch (g)
            {
                case Constant c:
                    return Rewrites.ConstantFacts.Of(c).Uniform == 0;
                case { Owner: { Op: Elemwise e } owner } when e.Scalar.Name == "second":
                    g = owner.Inputs[1];
                    continue;
                case { Owner: { Op: Elemwise e } owner } when owner.Inputs.Count == 1 && e.Scalar.Name.StartsWith("cast"):
                    g = owner.Inputs[0];
                    continue;
                case { Owner: { Op: DimShuffle } owner }:
                    g = owner.Inputs[0];
                    continue;
                case { Owner: { Op: Alloc } owner }:
                    g = owner.Inputs[0];
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>The float dtype a gradient of <paramref name="v"/> takes (its own, or floatX for integers).</summary>
    public static bool IsFloat(Variable v) => !v.DType.IsDiscrete();

    /// <summary>Sum of <paramref name="terms"/> (null when empty).</summary>
    public static Variable? Sum(IEnumerable<Variable> terms)
    {
        Variable? total = null;
        foreach (var t in terms)
        {
            total = total is null ? t : total + t;
        }
        return total;
    }

    /// <summary><paramref name="v"/> in <paramref name="dtype"/>.</summary>
    public static Variable As(Variable v, DType dtype) => v.DType == dtype ? v : T.Cast(v, dtype);
}
