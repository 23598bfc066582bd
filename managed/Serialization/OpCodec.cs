using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient.Serialization;

/// <summary>
/// Ops to and from (class name, props). The convention every op follows, so that ops added later serialize without
/// touching this file: the op's class is found by its <see cref="Op.ClassName"/> (which defaults to the type name),
/// and it has a public constructor whose parameters take, in order, the values of its <see cref="Op.Props"/>; an op
/// without props may instead expose a static <c>Instance</c>. Prop values map to constructor parameters of type
/// int, long, double, float, bool, string, their nullable forms, enums (by name; <see cref="DType"/> by its numpy
/// name), <see cref="ScalarOp"/> (by name), arrays or read-only lists of those, and <see cref="JsonElement"/> for a nested
/// document (a loop's inner graph).
/// </summary>
internal static class OpCodec
{
    private static readonly ConcurrentDictionary<string, Type> s_byClassName = new();
    private static OpTypeCache? s_opTypes;

    private sealed record OpTypeCache(int Loaded, List<Type> Types);

    /// <summary>Writes <paramref name="op"/>'s props as a JSON object, in the op's order.</summary>
    /// <exception cref="NotSupportedException">A prop value has a type the format cannot hold.</exception>
    public static void WriteProps(Utf8JsonWriter writer, Op op)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in op.Props)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value, () => $"{op.ClassName} prop '{key}'");
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Checks that <paramref name="op"/> comes back equal from its class name and props, so a document that holds it
    /// can be read (the check a writer makes before it promises a readable file).
    /// </summary>
    /// <exception cref="NotSupportedException">The op does not follow the convention.</exception>
    public static void EnsureRebuildable(Op op)
    {
        if (!op.IsDeterministic)
        {
            throw new NotSupportedException(
                $"graph json: cannot serialize op {op} ({op.ClassName}): it is not a pure function of its props (it " +
                "draws random numbers, or runs Python code), so it cannot be rebuilt from a file");
        }
        Op rebuilt;
        try
        {
            using var doc = JsonDocument.Parse(PropsJson(op));
            rebuilt = Create(op.ClassName, doc.RootElement, "op");
        }
        catch (GraphJsonException e)
        {
            throw new NotSupportedException(
                $"graph json: cannot serialize op {op} ({op.GetType().FullName}): it cannot be rebuilt from its class " +
                $"name '{op.ClassName}' and props {PropsJson(op)} ({e.Message}). An op is serializable when it has a " +
                "public constructor taking its props in order (or, without props, a static Instance).", e);
        }
        if (!rebuilt.Equals(op))
        {
            throw new NotSupportedException(
                $"graph json: cannot serialize op {op} ({op.GetType().FullName}): rebuilding it from its props " +
                $"{PropsJson(op)} gives a different op ({rebuilt}, props {PropsJson(rebuilt)}); its constructor " +
                "parameters must take its props in order.");
        }
    }

    /// <summary>
    /// Rebuilds the op of class <paramref name="className"/> from <paramref name="props"/> (a JSON object, values in
    /// the op's prop order). <paramref name="where"/> names the place in the document for messages.
    /// </summary>
    /// <exception cref="GraphJsonException">Unknown class, wrong prop count or types, or the op rejects them.</exception>
    public static Op Create(string className, JsonElement props, string where)
    {
        if (props.ValueKind != JsonValueKind.Object)
        {
            throw new GraphJsonException($"{where}.props: expected an object; got {props.ValueKind}");
        }
        var values = props.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
        var errors = new List<string>();
        if (s_byClassName.TryGetValue(className, out var known)
            && TryBuild(known, values, where, errors) is { } quick && quick.ClassName == className)
        {
            return Found(quick);
        }
        var all = OpTypes();
        var named = all.Where(t => t.Name == className && t != known).ToList();
        foreach (var type in named)
        {
            if (TryBuild(type, values, where, errors) is { } op && op.ClassName == className)
            {
                return Found(op);
            }
        }
        // An op whose ClassName differs from its type name is found by building each other class and asking it.
        foreach (var type in all.Except(named).Where(t => t != known))
        {
            if (TryBuild(type, values, where, []) is { } op && op.ClassName == className)
            {
                return Found(op);
            }
        }
        if (errors.Count == 0)
        {
            throw new GraphJsonException($"{where}.op: unknown op '{className}': no loaded non-abstract Op class has " +
                "that name or reports that ClassName");
        }
        throw new GraphJsonException($"{where}: cannot rebuild op '{className}' from props " +
            $"{props.GetRawText()}: {string.Join("; ", errors.Distinct())}");

        Op Found(Op op)
        {
            s_byClassName.TryAdd(className, op.GetType());
            CheckProps(op, values, where);
            return op;
        }
    }

    /// <summary>The props of <paramref name="op"/> as compact JSON text.</summary>
    public static string PropsJson(Op op)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Json.Options()))
        {
            WriteProps(writer, op);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, Func<string> what)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case DType d:
                writer.WriteStringValue(d.Name());
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case ScalarOp op:
                writer.WriteStringValue(op.Name);
                break;
            case JsonElement element:
                // A nested document (e.g. a loop's inner graph) is written as it is.
                element.WriteTo(writer);
                break;
            case double or float:
                double x = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(x))
                {
                    // Shortest text that parses back to the same bits.
                    writer.WriteNumberValue(x);
                }
                else
                {
                    writer.WriteStringValue(double.IsNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");
                }
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item, what);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException(
                    $"graph json: {what()} has a value of type {value.GetType().Name}, which the format cannot hold " +
                    "(expected numbers, strings, booleans, dtypes, enums, scalar ops, null or lists of them)");
        }
    }

    /// <summary>Concrete op classes: the engine's first, then those of loaded assemblies that reference it.</summary>
    private static List<Type> OpTypes()
    {
        // Rescanned only when assemblies were loaded since the last scan.
        int loaded = AppDomain.CurrentDomain.GetAssemblies().Length;
        var cached = s_opTypes;
        if (cached is not null && cached.Loaded == loaded)
        {
            return cached.Types;
        }
        var types = ScanOpTypes();
        s_opTypes = new OpTypeCache(loaded, types);
        return types;
    }

    private static List<Type> ScanOpTypes()
    {
        var engine = typeof(Op).Assembly;
        var engineName = engine.GetName().Name;
        var assemblies = new[] { engine }.Concat(AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a != engine && !a.IsDynamic && a.GetReferencedAssemblies().Any(r => r.Name == engineName)));
        var types = new List<Type>();
        foreach (var assembly in assemblies)
        {
            Type?[] found;
            try
            {
                found = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                found = e.Types;
            }
            types.AddRange(found.OfType<Type>()
                .Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract && !t.ContainsGenericParameters));
        }
        return types;
    }

    private static Op? TryBuild(Type type, List<(string Name, JsonElement Value)> props, string where,
        List<string> errors)
    {
        if (props.Count == 0)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
            if (type.GetField("Instance", flags)?.GetValue(null) is Op field && field.GetType() == type)
            {
                return field;
            }
            if (type.GetProperty("Instance", flags)?.GetValue(null) is Op property && property.GetType() == type)
            {
                return property;
            }
        }
        var nullability = new NullabilityInfoContext();
        foreach (var ctor in type.GetConstructors().Where(c => c.GetParameters().Length == props.Count))
        {
            var parameters = ctor.GetParameters();
            var args = new object?[parameters.Length];
            try
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    var info = nullability.Create(parameters[i]);
                    args[i] = ConvertTo(props[i].Value, parameters[i].ParameterType,
                        info.WriteState != NullabilityState.NotNull, $"{where}.props.{props[i].Name}");
                }
            }
            catch (GraphJsonException e)
            {
                errors.Add($"{type.Name}: {e.Message}");
                continue;
            }
            try
            {
                return (Op)ctor.Invoke(args);
            }
            catch (TargetInvocationException e)
            {
                errors.Add($"{type.Name} rejects them: {e.InnerException?.Message ?? e.Message}");
            }
        }
        if (!type.GetConstructors().Any(c => c.GetParameters().Length == props.Count))
        {
            var counts = type.GetConstructors().Select(c => c.GetParameters().Length).Distinct().Order().ToArray();
            errors.Add(counts.Length == 0
                ? $"{type.Name} has no public constructor"
                : $"{type.Name} takes {string.Join(" or ", counts)} prop(s); got {props.Count}");
        }
        return null;
    }

    /// <summary>Checks that the rebuilt op reports the props it was built from (names in order, same values).</summary>
    private static void CheckProps(Op op, List<(string Name, JsonElement Value)> given, string where)
    {
        var keys = op.Props.Select(p => p.Key).ToArray();
        if (!keys.SequenceEqual(given.Select(g => g.Name)))
        {
            throw new GraphJsonException(
                $"{where}.props: op '{op.ClassName}' has props [{string.Join(", ", keys)}] in that order; got " +
                $"[{string.Join(", ", given.Select(g => g.Name))}]");
        }
        // Building again from what the op reports must give the same op: otherwise the constructor does not take the
        // props in their order, and the op built from the document may not be the one written.
        using var doc = JsonDocument.Parse(PropsJson(op));
        var again = TryBuild(op.GetType(), doc.RootElement.EnumerateObject().Select(p => (p.Name, p.Value)).ToList(),
            where, []);
        if (again is null || !again.Equals(op))
        {
            throw new GraphJsonException(
                $"{where}: op '{op.ClassName}' rebuilt from its props {PropsJson(op)} is not the same op; its " +
                "constructor must take its props in order");
        }
    }

    private static object? ConvertTo(JsonElement e, Type type, bool nullable, string where)
    {
        if (type == typeof(JsonElement))
        {
            return e.Clone();
        }
        if (e.ValueKind == JsonValueKind.Null)
        {
            if (Nullable.GetUnderlyingType(type) is not null || (!type.IsValueType && nullable))
            {
                return null;
            }
            throw new GraphJsonException($"{where}: expected {Describe(type)}; got null");
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return e.ValueKind == JsonValueKind.String ? e.GetString() : throw Mismatch(e, type, where);
        }
        if (type == typeof(bool))
        {
            return e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Mismatch(e, type, where),
            };
        }
        if (type == typeof(double) || type == typeof(float))
        {
            double value = e.ValueKind switch
            {
                JsonValueKind.Number => e.GetDouble(),
                JsonValueKind.String => e.GetString() switch
                {
                    "nan" or "NaN" => double.NaN,
                    "inf" or "Infinity" => double.PositiveInfinity,
                    "-inf" or "-Infinity" => double.NegativeInfinity,
                    _ => throw Mismatch(e, type, where),
                },
                _ => throw Mismatch(e, type, where),
            };
            return type == typeof(float) ? (float)value : value;
        }
        if (type.IsPrimitive && type != typeof(char) && type != typeof(IntPtr) && type != typeof(UIntPtr))
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n))
            {
                try
                {
                    return Convert.ChangeType(n, type, CultureInfo.InvariantCulture);
                }
                catch (OverflowException)
                {
                    throw new GraphJsonException($"{where}: {n} does not fit {Describe(type)}");
                }
            }
            if (type == typeof(ulong) && e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong u))
            {
                return u;
            }
            throw Mismatch(e, type, where);
        }
        if (type == typeof(DType) || type == typeof(ScalarOp) || type.IsEnum)
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                throw Mismatch(e, type, where);
            }
            string name = e.GetString()!;
            try
            {
                return type == typeof(DType) ? DTypes.Parse(name)
                    : type == typeof(ScalarOp) ? ScalarOps.ByName(name)
                    : Enum.Parse(type, name, ignoreCase: true);
            }
            catch (ArgumentException x)
            {
                throw new GraphJsonException($"{where}: {x.Message}");
            }
        }
        if (ElementType(type) is { } element)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Mismatch(e, type, where);
            }
            var items = e.EnumerateArray().Select((item, i) => ConvertTo(item, element, true, $"{where}[{i}]")).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i], i);
            }
            return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)
                ? Activator.CreateInstance(type, array)
                : array;
        }
        if (type == typeof(object))
        {
            return Natural(e);
        }
        throw new GraphJsonException(
            $"{where}: the op's constructor takes a {Describe(type)}, which the format cannot hold");
    }

    /// <summary>The element type of an array or of a list interface an array implements, else null.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return type.GetElementType();
        }
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            || definition == typeof(ICollection<>) || definition == typeof(List<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static object? Natural(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out long n) ? n : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(Natural).ToArray(),
        _ => null,
    };

    private static GraphJsonException Mismatch(JsonElement e, Type type, string where) =>
        new($"{where}: expected {Describe(type)}; got {Show(e)}");

    private static string Show(JsonElement e)
    {
        string text = e.GetRawText();
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    private static string Describe(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Describe(inner) + " or null";
        }
        if (type == typeof(DType))
        {
            return "a dtype name such as \"float64\"";
        }
        if (type == typeof(ScalarOp))
        {
            return "a scalar op name such as \"add\" or \"cast{float32}\"";
        }
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }
        if (ElementType(type) is { } element)
        {
            return $"a list of {Describe(element)}";
        }
        return type == typeof(string) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type == typeof(double) || type == typeof(float) ? "a number"
            : type.IsPrimitive ? $"an integer ({type.Name})"
            : type.Name;
    }
}
