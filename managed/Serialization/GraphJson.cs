using System.Text;
using System.Text.Json;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Serialization;

/// <summary>A graph read back from JSON: its inputs, in order, and its outputs.</summary>
/// <param name="Inputs">The explicit inputs (new variables), in the order the document lists them.</param>
/// <param name="Outputs">The outputs, computed from the inputs, constants and shared variables of the document.</param>
public sealed record LoadedGraph(Variable[] Inputs, Variable[] Outputs);

/// <summary>
/// Writes graphs to, and reads them from, the JSON format described in <c>docs/graph-json.md</c>
/// (<c>"format": "gradient-graph"</c>): typed variables, constants and shared variables with their exact values, and
/// the nodes in topological order, each an op named by class and props. Ops are rebuilt by the convention of
/// <see cref="Op.Props"/>: a public constructor takes the props in order. Python's <c>sharpgrad.graph.serialize</c>
/// uses the same code, so either language reads what the other wrote.
/// </summary>
public static class GraphJson
{
    /// <summary>The value of the document's <c>format</c> field.</summary>
    public const string Format = "gradient-graph";

    /// <summary>The value of a values document's <c>format</c> field.</summary>
    public const string ValuesFormat = "gradient-values";

    /// <summary>The format version this code writes and the newest it reads.</summary>
    public const int Version = 1;

    private static readonly JsonDocumentOptions s_parse = new() { MaxDepth = 256 };

    /// <summary>
    /// The graph that computes <paramref name="outputs"/> from <paramref name="inputs"/> as JSON. The graph is cut at
    /// the inputs (an input computed by a node becomes a plain input). Constants and shared variables are written with
    /// their values (a shared variable's current one).
    /// </summary>
    /// <exception cref="ArgumentException">An input is null, repeated, a constant or a shared variable.</exception>
    /// <exception cref="NotSupportedException">An op cannot be rebuilt from its class name and props.</exception>
    public static string Write(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs, bool indented = true)
    {
        Guard.NotNull(inputs);
        Guard.NotNull(outputs);
        CheckInputs(inputs);
        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i] is null)
            {
                throw new ArgumentNullException(nameof(outputs), $"graph json: output {i} is null");
            }
        }

        var nodes = GraphOrder.Toposort(outputs, inputs.ToHashSet());
        var ids = new Dictionary<Variable, int>();
        var order = new List<(Variable Variable, string Kind)>();
        void Add(Variable v, string kind)
        {
            if (ids.TryAdd(v, ids.Count))
            {
                order.Add((v, kind));
            }
        }
        foreach (var v in inputs)
        {
            Add(v, "input");
        }
        foreach (var node in nodes)
        {
            foreach (var v in node.Inputs)
            {
                Add(v, RootKind(v));
            }
            foreach (var v in node.Outputs)
            {
                if (ids.ContainsKey(v))
                {
                    throw new NotSupportedException(
                        $"graph json: {v} is an input and an output of node {node.Op} whose other outputs the graph " +
                        "needs; cut the graph elsewhere");
                }
                Add(v, "node");
            }
        }
        foreach (var v in outputs)
        {
            Add(v, RootKind(v));
        }
        var checkedOps = new HashSet<Op>();
        foreach (var node in nodes)
        {
            if (checkedOps.Add(node.Op))
            {
                OpCodec.EnsureRebuildable(node.Op);
            }
        }

        // One line per variable and per node: diffable and readable, without the one-number-per-line of a fully
        // indented writer.
        string nl = indented ? "\n" : "", pad = indented ? "  " : "", item = indented ? "    " : "";
        var text = new StringBuilder();
        text.Append('{').Append(nl);
        text.Append(pad).Append($"\"format\": \"{Format}\",").Append(nl);
        text.Append(pad).Append($"\"version\": {Version},").Append(nl);
        AppendList(text, "variables", order.Select(p => Compact(w => WriteVariable(w, p.Variable, ids[p.Variable], p.Kind))),
            pad, item, nl);
        text.Append(',').Append(nl);
        AppendList(text, "nodes", nodes.Select(node => Compact(w =>
        {
            w.WriteStartObject();
            w.WriteString("op", node.Op.ClassName);
            w.WritePropertyName("props");
            OpCodec.WriteProps(w, node.Op);
            WriteIds(w, "inputs", node.Inputs.Select(v => ids[v]));
            WriteIds(w, "outputs", node.Outputs.Select(v => ids[v]));
            w.WriteEndObject();
        })), pad, item, nl);
        text.Append(',').Append(nl);
        text.Append(pad).Append("\"inputs\": ").Append(Compact(w => WriteIds(w, null, inputs.Select(v => ids[v]))))
            .Append(',').Append(nl);
        text.Append(pad).Append("\"outputs\": ").Append(Compact(w => WriteIds(w, null, outputs.Select(v => ids[v]))))
            .Append(nl);
        text.Append('}').Append(nl);
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string name, IEnumerable<string> items, string pad, string item,
        string nl)
    {
        text.Append(pad).Append($"\"{name}\": [");
        bool first = true;
        foreach (var entry in items)
        {
            text.Append(first ? "" : ",").Append(nl).Append(item).Append(entry);
            first = false;
        }
        text.Append(first ? "" : nl + pad).Append(']');
    }

    private static string Compact(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Json.Options()))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Reads a graph document. Every variable, node, constant and shared variable is new; each node is rebuilt through
    /// its op's <see cref="Op.MakeNode"/>, and its outputs must have the types the document declares.
    /// </summary>
    /// <exception cref="GraphJsonException">The document is malformed or inconsistent; the message says where.</exception>
    public static LoadedGraph Read(string json)
    {
        Guard.NotNull(json);
        using var doc = Parse(json);
        var root = doc.RootElement;
        CheckHeader(root, Format);

        var variables = new Dictionary<int, Variable>();
        var pending = new Dictionary<int, (TensorType Type, string? Name, string Where)>();
        var kinds = new Dictionary<int, string>();
        int index = 0;
        foreach (var e in Json.Array(Json.Required(root, "variables", "document"), "variables"))
        {
            string where = $"variables[{index++}]";
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new GraphJsonException($"{where}: expected an object; got {e.ValueKind}");
            }
            int id = Json.Int(Json.Required(e, "id", where), $"{where}.id");
            if (!kinds.TryAdd(id, Json.String(Json.Required(e, "kind", where), $"{where}.kind")))
            {
                throw new GraphJsonException($"{where}.id: id {id} is used twice");
            }
            var type = ReadType(Json.Required(e, "type", where), $"{where}.type");
            var name = Json.OptionalString(e, "name", where);
            switch (kinds[id])
            {
                case "input":
                    variables[id] = new Variable(type, null, 0, name);
                    break;
                case "constant":
                    variables[id] = ReadConstant(e, type, name, where);
                    break;
                case "shared":
                    variables[id] = ReadShared(e, type, name, where);
                    break;
                case "node":
                    pending[id] = (type, name, where);
                    break;
                default:
                    throw new GraphJsonException(
                        $"{where}.kind: expected \"input\", \"constant\", \"shared\" or \"node\"; got \"{kinds[id]}\"");
            }
        }

        index = 0;
        var ops = new Dictionary<(string, string), Op>();
        foreach (var e in Json.Array(Json.Required(root, "nodes", "document"), "nodes"))
        {
            ReadNode(e, $"nodes[{index++}]", variables, pending, ops);
        }
        if (pending.Count > 0)
        {
            var (id, (_, _, where)) = pending.OrderBy(p => p.Key).First();
            throw new GraphJsonException($"{where}: variable {id} has kind \"node\" but no node computes it");
        }

        var inputIds = Json.Array(Json.Required(root, "inputs", "document"), "inputs")
            .Select((x, i) => Json.Int(x, $"inputs[{i}]")).ToArray();
        for (int i = 0; i < inputIds.Length; i++)
        {
            int id = inputIds[i];
            if (!kinds.TryGetValue(id, out var kind))
            {
                throw new GraphJsonException($"inputs[{i}]: no variable has id {id}");
            }
            if (kind != "input")
            {
                throw new GraphJsonException($"inputs[{i}]: variable {id} is a {kind}; inputs must have kind \"input\"");
            }
            if (inputIds.Take(i).Contains(id))
            {
                throw new GraphJsonException($"inputs[{i}]: variable {id} is listed twice");
            }
        }
        var inputs = inputIds.Select(id => variables[id]).ToArray();
        return new LoadedGraph(inputs, Ids(root, "outputs", variables).ToArray());
    }

    /// <summary>Writes the graph to the file at <paramref name="path"/> (UTF-8).</summary>
    public static void Save(string path, IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs) =>
        File.WriteAllText(path, Write(inputs, outputs));

    /// <summary>Reads the graph in the file at <paramref name="path"/>.</summary>
    public static LoadedGraph Load(string path) => Read(File.ReadAllText(path));

    /// <summary>
    /// Tensors as a values document (<c>"format": "gradient-values"</c>), each exact: the inputs or results that go
    /// with a graph, e.g. in the cross-language parity tests.
    /// </summary>
    public static string WriteValues(IReadOnlyList<torch.Tensor> values, bool indented = false)
    {
        Guard.NoNulls(values, "graph json values");
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].IsInvalid)
            {
                throw new ArgumentException($"graph json values: values[{i}] was disposed", nameof(values));
            }
        }
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Json.Options(indented)))
        {
            w.WriteStartObject();
            w.WriteString("format", ValuesFormat);
            w.WriteNumber("version", Version);
            w.WriteStartArray("values");
            foreach (var t in values)
            {
                TensorCodec.Write(w, t);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a values document; the caller owns (and disposes) the tensors.</summary>
    /// <exception cref="GraphJsonException">The document is malformed.</exception>
    public static torch.Tensor[] ReadValues(string json)
    {
        Guard.NotNull(json);
        using var doc = Parse(json);
        CheckHeader(doc.RootElement, ValuesFormat);
        var result = new List<torch.Tensor>();
        try
        {
            int i = 0;
            foreach (var e in Json.Array(Json.Required(doc.RootElement, "values", "document"), "values"))
            {
                result.Add(TensorCodec.Read(e, $"values[{i++}]"));
            }
            return result.ToArray();
        }
        catch
        {
            result.ForEach(t => t.Dispose());
            throw;
        }
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, s_parse);
        }
        catch (JsonException e)
        {
            throw new GraphJsonException($"graph json: not valid JSON: {e.Message}", e);
        }
    }

    private static void CheckHeader(JsonElement root, string format)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new GraphJsonException($"document: expected a JSON object; got {root.ValueKind}");
        }
        var found = Json.String(Json.Required(root, "format", "document"), "format");
        if (found != format)
        {
            throw new GraphJsonException($"format: expected \"{format}\"; got \"{found}\"");
        }
        int version = Json.Int(Json.Required(root, "version", "document"), "version");
        if (version < 1 || version > Version)
        {
            throw new GraphJsonException(
                $"version: this reader understands versions 1 to {Version} of {format}; got {version}");
        }
    }

    private static void CheckInputs(IReadOnlyList<Variable> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            switch (inputs[i])
            {
                case null:
                    throw new ArgumentNullException(nameof(inputs), $"graph json: input {i} is null");
                case Constant:
                case SharedVariable:
                    throw new ArgumentException(
                        $"graph json: input {i} ({inputs[i]}) is a {(inputs[i] is Constant ? "constant" : "shared variable")}; " +
                        "inputs must be symbolic variables", nameof(inputs));
            }
            if (inputs.Take(i).Contains(inputs[i]))
            {
                throw new ArgumentException($"graph json: input {inputs[i]} is given more than once", nameof(inputs));
            }
        }
    }

    private static string RootKind(Variable v) => v switch
    {
        Constant => "constant",
        SharedVariable => "shared",
        _ => "input",
    };

    private static void WriteVariable(Utf8JsonWriter w, Variable v, int id, string kind)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("kind", kind);
        if (v.Name is null)
        {
            w.WriteNull("name");
        }
        else
        {
            w.WriteString("name", v.Name);
        }
        w.WriteStartObject("type");
        w.WriteString("dtype", v.DType.Name());
        w.WriteStartArray("shape");
        foreach (var n in v.Type.Shape)
        {
            if (n is long length)
            {
                w.WriteNumberValue(length);
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
        switch (v)
        {
            case Constant c:
                w.WriteBoolean("weak", c.IsWeak);
                w.WritePropertyName("value");
                TensorCodec.Write(w, c.Value);
                break;
            case SharedVariable s:
                using (var value = s.GetValue(borrow: true))
                {
                    w.WritePropertyName("value");
                    TensorCodec.Write(w, value);
                }
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter w, string? name, IEnumerable<int> ids)
    {
        if (name is null)
        {
            w.WriteStartArray();
        }
        else
        {
            w.WriteStartArray(name);
        }
        foreach (int id in ids)
        {
            w.WriteNumberValue(id);
        }
        w.WriteEndArray();
    }

    private static TensorType ReadType(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new GraphJsonException($"{where}: expected an object {{dtype, shape}}; got {e.ValueKind}");
        }
        var dtype = Json.DType(Json.Required(e, "dtype", where), $"{where}.dtype");
        var shape = Json.Array(Json.Required(e, "shape", where), $"{where}.shape")
            .Select((n, i) => n.ValueKind == JsonValueKind.Null ? (long?)null : Json.Length(n, $"{where}.shape[{i}]"))
            .ToArray();
        return new TensorType(dtype, shape);
    }

    private static Constant ReadConstant(JsonElement e, TensorType type, string? name, string where)
    {
        bool weak = e.TryGetProperty("weak", out var w) && Json.Bool(w, $"{where}.weak");
        using var value = TensorCodec.Read(Json.Required(e, "value", where), $"{where}.value");
        CheckValue(value, type, where);
        if (type.Shape.Any(n => n is null))
        {
            throw new GraphJsonException(
                $"{where}.type: a constant's shape is fully known; got {TensorType.Show(type.Shape)}");
        }
        return new Constant(value, weak, name);
    }

    private static SharedVariable ReadShared(JsonElement e, TensorType type, string? name, string where)
    {
        using var value = TensorCodec.Read(Json.Required(e, "value", where), $"{where}.value");
        CheckValue(value, type, where);
        return new SharedVariable(value, name, borrow: false, shape: type.Shape);
    }

    private static void CheckValue(torch.Tensor value, TensorType type, string where)
    {
        var dtype = DTypes.FromTorch(value.dtype);
        if (dtype != type.DType)
        {
            throw new GraphJsonException($"{where}.value: dtype {dtype.Name()} does not match the type {type}");
        }
        if (type.Mismatch(value.Lengths()) is { } why)
        {
            throw new GraphJsonException($"{where}.value: {why}");
        }
    }

    private static void ReadNode(JsonElement e, string where, Dictionary<int, Variable> variables,
        Dictionary<int, (TensorType Type, string? Name, string Where)> pending, Dictionary<(string, string), Op> ops)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new GraphJsonException($"{where}: expected an object; got {e.ValueKind}");
        }
        string className = Json.String(Json.Required(e, "op", where), $"{where}.op");
        // Ops are immutable: one per distinct (class, props) serves every node that applies it.
        string propsText = e.TryGetProperty("props", out var props) ? props.GetRawText() : "{}";
        if (!ops.TryGetValue((className, propsText), out var op))
        {
            using var noProps = JsonDocument.Parse("{}");
            op = OpCodec.Create(className, props.ValueKind == JsonValueKind.Undefined ? noProps.RootElement : props, where);
            ops[(className, propsText)] = op;
        }
        var inputIds = Json.Array(Json.Required(e, "inputs", where), $"{where}.inputs")
            .Select((x, i) => Json.Int(x, $"{where}.inputs[{i}]")).ToArray();
        var inputs = new Variable[inputIds.Length];
        for (int i = 0; i < inputIds.Length; i++)
        {
            if (!variables.TryGetValue(inputIds[i], out inputs[i]!))
            {
                throw new GraphJsonException(pending.ContainsKey(inputIds[i])
                    ? $"{where}.inputs[{i}]: variable {inputIds[i]} is computed by a later node; nodes must be in " +
                      "topological order"
                    : $"{where}.inputs[{i}]: no variable has id {inputIds[i]}");
            }
        }
        var outputIds = Json.Array(Json.Required(e, "outputs", where), $"{where}.outputs")
            .Select((x, i) => Json.Int(x, $"{where}.outputs[{i}]")).ToArray();
        Apply node;
        try
        {
            node = op.MakeNode(inputs);
        }
        catch (Exception x) when (x is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new GraphJsonException($"{where}: {className} does not accept its inputs: {x.Message}", x);
        }
        if (node.Outputs.Count != outputIds.Length)
        {
            throw new GraphJsonException(
                $"{where}.outputs: {op} has {node.Outputs.Count} output(s); the document lists {outputIds.Length}");
        }
        for (int i = 0; i < outputIds.Length; i++)
        {
            int id = outputIds[i];
            if (!pending.Remove(id, out var declared))
            {
                throw new GraphJsonException(variables.ContainsKey(id)
                    ? $"{where}.outputs[{i}]: variable {id} is already defined (an input, constant, shared variable or " +
                      "the output of another node)"
                    : $"{where}.outputs[{i}]: no variable has id {id}");
            }
            var output = node.Outputs[i];
            if (!output.Type.Equals(declared.Type))
            {
                throw new GraphJsonException(
                    $"{where}.outputs[{i}]: {op} on these inputs gives {output.Type}; variable {id} " +
                    $"({declared.Where}) declares {declared.Type}");
            }
            output.Name = declared.Name;
            variables[id] = output;
        }
    }

    private static IEnumerable<Variable> Ids(JsonElement root, string field, Dictionary<int, Variable> variables) =>
        Json.Array(Json.Required(root, field, "document"), field).Select((x, i) =>
        {
            int id = Json.Int(x, $"{field}[{i}]");
            return variables.TryGetValue(id, out var v)
                ? v
                : throw new GraphJsonException($"{field}[{i}]: no variable has id {id}");
        }).ToList();
}
