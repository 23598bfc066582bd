namespace Gradient.Graph;

/// <summary>Traversals of the graph.</summary>
public static class GraphOrder
{
    /// <summary>
    /// The nodes that compute <paramref name="outputs"/>, each after the nodes that compute its inputs, stopping at
    /// <paramref name="stopAt"/> (whose owners are not visited). Iterative, so deep graphs do not overflow the stack.
    /// </summary>
    public static List<Apply> Toposort(IEnumerable<Variable> outputs, IReadOnlySet<Variable>? stopAt = null) =>
        Toposort(outputs, stopAt, 0);

    /// <summary>
    /// <see cref="Toposort(IEnumerable{Variable}, IReadOnlySet{Variable}?)"/> with its tables sized for about
    /// <paramref name="expected"/> nodes (growing them step by step on large graphs leaves large garbage arrays).
    /// </summary>
    internal static List<Apply> Toposort(IEnumerable<Variable> outputs, IReadOnlySet<Variable>? stopAt, int expected) =>
        Walk(outputs, stopAt, expected, new SetMarks(expected));

    private static int s_sorts;

    /// <summary>
    /// <see cref="Toposort(IEnumerable{Variable}, IReadOnlySet{Variable}?)"/> for the nodes of a function graph, which
    /// belong to it alone: what is done is marked on the nodes (<see cref="Apply.SortedIn"/>) instead of kept in a set.
    /// </summary>
    internal static List<Apply> ToposortOwned(IReadOnlyList<Variable> outputs, IReadOnlySet<Variable> stopAt, int expected) =>
        Walk(outputs, stopAt, expected, new NodeMarks(Interlocked.Increment(ref s_sorts)));

    /// <summary>Which nodes a walk has placed.</summary>
    private interface IDone
    {
        bool Contains(Apply node);

        /// <summary>Records <paramref name="node"/>; false when it was already there.</summary>
        bool Add(Apply node);
    }

    private readonly struct SetMarks(int capacity) : IDone
    {
        private readonly HashSet<Apply> _done = new(capacity);

        public bool Contains(Apply node) => _done.Contains(node);

        public bool Add(Apply node) => _done.Add(node);
    }

    private readonly struct NodeMarks(int stamp) : IDone
    {
        public bool Contains(Apply node) => node.SortedIn == stamp;

        public bool Add(Apply node)
        {
            if (node.SortedIn == stamp)
            {
                return false;
            }
            node.SortedIn = stamp;
            return true;
        }
    }

    // Generic over the struct that records what is done, so that each kind gets its own compiled loop.
    private static List<Apply> Walk<TDone>(IEnumerable<Variable> outputs, IReadOnlySet<Variable>? stopAt, int expected,
        TDone done) where TDone : struct, IDone
    {
        var order = new List<Apply>(expected);
        var stack = new Stack<(Apply Node, int Next)>();
        foreach (var output in outputs)
        {
            Push(output);
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    Push(node.Inputs[next]);
                }
                else if (done.Add(node))
                {
                    order.Add(node);
                }
            }
        }
        return order;

        void Push(Variable v)
        {
            // In a DAG a node met again while on the stack would be a cycle, so "not done" is enough.
            if (v.Owner is { } owner && !done.Contains(owner) && (stopAt is null || !stopAt.Contains(v)))
            {
                stack.Push((owner, 0));
            }
        }
    }

    /// <summary>
    /// The variables with no owner (inputs, shared variables and constants) that <paramref name="outputs"/> depend on,
    /// counting the variables in <paramref name="stopAt"/> as roots too.
    /// </summary>
    public static List<Variable> GraphInputs(IEnumerable<Variable> outputs, IReadOnlySet<Variable>? stopAt = null)
    {
        var outs = outputs.ToList();
        var roots = new List<Variable>();
        var seen = new HashSet<Variable>();
        bool IsRoot(Variable v) => v.Owner is null || (stopAt?.Contains(v) ?? false);
        foreach (var v in outs.Where(IsRoot).Concat(Toposort(outs, stopAt).SelectMany(n => n.Inputs)))
        {
            if (IsRoot(v) && seen.Add(v))
            {
                roots.Add(v);
            }
        }
        return roots;
    }
}
