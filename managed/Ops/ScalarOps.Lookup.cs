using System.Collections.Frozen;
using System.Reflection;
using Gradient.Kernels;

namespace Gradient.Ops;

/// <summary>Finding a rule of the table by its Aesara name, as a serialized <see cref="Elemwise"/> names it.</summary>
public static partial class ScalarOps
{
    // Built on first use, from every public static ScalarOp field of the table (in whichever partial file it lives),
    // keyed by the rule's own name, not the field's.
    private static FrozenDictionary<string, ScalarOp>? s_byName;

    /// <summary>
    /// The rule named <paramref name="name"/>: a fixed rule such as <c>add</c> or <c>true_div</c>, or a parametric
    /// one spelled <c>family{argument}</c> such as <c>cast{float32}</c>, made by the public static method of this
    /// class named after the family (here <see cref="Cast"/>) from its one argument.
    /// </summary>
    /// <exception cref="ArgumentException">No rule has that name.</exception>
    public static ScalarOp ByName(string name)
    {
        Guard.NotNull(name);
        return TryByName(name, out var op, out var why)
            ? op
            : throw new ArgumentException($"scalar op: {why}", nameof(name));
    }

    /// <summary>The names of the fixed rules (parametric ones such as <c>cast{float32}</c> are not listed).</summary>
    public static IReadOnlyCollection<string> Names => Table().Keys;

    private static bool TryByName(string name, out ScalarOp op, out string why)
    {
        if (Table().TryGetValue(name, out op!))
        {
            why = "";
            return true;
        }
        int open = name.IndexOf('{');
        if (open > 0 && name.EndsWith('}'))
        {
            string family = name[..open];
            string argument = name[(open + 1)..^1];
            var factory = typeof(ScalarOps).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.ReturnType == typeof(ScalarOp) && m.GetParameters().Length == 1
                    && string.Equals(m.Name.Replace("_", ""), family.Replace("_", ""), StringComparison.OrdinalIgnoreCase));
            if (factory is null)
            {
                why = $"unknown parametric family '{family}' in '{name}'";
                return false;
            }
            object? value;
            var parameter = factory.GetParameters()[0].ParameterType;
            try
            {
                value = parameter == typeof(DType) ? DTypes.Parse(argument)
                    : parameter == typeof(string) ? argument
                    : Convert.ChangeType(argument, parameter, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                why = $"bad argument '{argument}' in '{name}': {e.Message}";
                return false;
            }
            op = (ScalarOp)factory.Invoke(null, [value])!;
            if (op.Name != name)
            {
                why = $"'{name}' names the rule '{op.Name}'; expected the canonical spelling";
                return false;
            }
            why = "";
            return true;
        }
        why = $"unknown name '{name}'; expected one of {string.Join(", ", Table().Keys.Order())} or cast{{dtype}}";
        return false;
    }

    private static FrozenDictionary<string, ScalarOp> Table() => s_byName ??= typeof(ScalarOps)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ScalarOp))
        .Select(f => (ScalarOp)f.GetValue(null)!)
        .GroupBy(op => op.Name)
        .ToFrozenDictionary(g => g.Key, g => g.First());
}
