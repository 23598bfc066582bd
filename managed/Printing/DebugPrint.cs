using System.Text;
using Gradient.Compile;
using Gradient.Graph;

namespace Gradient.Printing;

/// <summary>
/// Aesara's <c>debugprint</c>: one line per node, children indented under <c>|</c>, each variable tagged
/// <c>[id A]</c>; a node met again prints its tag only.
/// </summary>
public static class DebugPrint
{
    /// <summary>The graph of <paramref name="outputs"/>.</summary>
    public static string Graph(IReadOnlyList<Variable> outputs, bool printType = false) =>
        Render(outputs, null, printType);

    /// <summary>A compiled function's graph, each node followed by its position in the run order.</summary>
    public static string Function(Function function, bool printType = false)
    {
        var order = function.Toposort().Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        return Render(function.Graph.Outputs, order, printType);
    }

    private static string Render(IReadOnlyList<Variable> outputs, Dictionary<Apply, int>? order, bool printType)
    {
        var text = new StringBuilder();
        var ids = new Dictionary<object, string>();
        var expanded = new HashSet<Apply>();
        foreach (var output in outputs)
        {
            // Iterative depth-first walk, so deep graphs do not overflow the stack.
            // Prefix is this line's; ChildPrefix continues the rails of the ancestors (" |" while siblings follow).
            var stack = new Stack<(Variable Var, string Prefix, string ChildPrefix)>();
            stack.Push((output, "", ""));
            while (stack.Count > 0)
            {
                var (v, prefix, childPrefix) = stack.Pop();
                object key = (object?)v.Owner ?? v;
                bool seen = ids.ContainsKey(key);
                if (!seen)
                {
                    ids[key] = Tag(ids.Count);
                }
                text.Append(prefix).Append(Label(v)).Append(" [id ").Append(ids[key]).Append(']');
                if (v.Owner is { } owner && !seen)
                {
                    if (owner.Outputs.Count > 1)
                    {
                        text.Append('.').Append(v.Index);
                    }
                    text.Append(" '").Append(v.Name).Append('\'');
                }
                if (printType)
                {
                    text.Append(" <").Append(v.Type).Append('>');
                }
                if (v.Owner is { } node && order is not null && order.TryGetValue(node, out int position) && !seen)
                {
                    text.Append("   ").Append(position);
                }
                text.Append('\n');
                if (v.Owner is { } apply && expanded.Add(apply))
                {
                    for (int i = apply.Inputs.Count - 1; i >= 0; i--)
                    {
                        bool isLast = i == apply.Inputs.Count - 1;
                        stack.Push((apply.Inputs[i], childPrefix + " |", childPrefix + (isLast ? "  " : " |")));
                    }
                }
            }
        }
        return text.ToString();
    }

    private static string Label(Variable v) => v switch
    {
        { Owner: { } node } => node.Op.ToString() ?? node.Op.ClassName,
        Constant c => c.Name ?? $"TensorConstant{{{c}}}",
        _ => v.Name ?? $"<{v.Type}>",
    };

    private static string Tag(int n)
    {
        var s = "";
        do
        {
            s = (char)('A' + n % 26) + s;
            n = n / 26 - 1;
        }
        while (n >= 0);
        return s;
    }
}
