using System.Reflection;
using System.Text.Json.Nodes;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// <see cref="GraphJson"/>: a graph written and read back computes the same values bit for bit, keeps names, types,
/// constants and shared values, and a malformed document fails with a <see cref="GraphJsonException"/> that names the
/// place and the problem.
/// </summary>
public sealed class SerializationTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    private static byte[] Bits(Tensor t) => t.NumberOfElements == 0 ? [] : t.contiguous().bytes.ToArray();

    /// <summary>
    /// Writes the graph, reads it back, and checks that both compile to functions giving the same dtype, shape and
    /// bits on <paramref name="values"/>, and that writing the loaded graph gives the same document.
    /// </summary>
    private static LoadedGraph AssertRoundTrip(Variable[] inputs, Variable[] outputs, params Tensor[] values)
    {
        var json = GraphJson.Write(inputs, outputs);
        var loaded = GraphJson.Read(json);
        Assert.That(loaded.Inputs, Has.Length.EqualTo(inputs.Length));
        Assert.That(loaded.Outputs, Has.Length.EqualTo(outputs.Length));
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.That(loaded.Outputs[i].Type, Is.EqualTo(outputs[i].Type), $"type of output {i}");
        }
        var expected = Function.Compile(inputs, outputs, Lenient).Call(values);
        var actual = Function.Compile(loaded.Inputs, loaded.Outputs, Lenient).Call(values);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].dtype, Is.EqualTo(expected[i].dtype), $"dtype of output {i}");
            Assert.That(actual[i].shape, Is.EqualTo(expected[i].shape), $"shape of output {i}");
            Assert.That(Bits(actual[i]), Is.EqualTo(Bits(expected[i])), $"bits of output {i}");
        }
        Assert.That(GraphJson.Write(loaded.Inputs, loaded.Outputs), Is.EqualTo(json), "re-written document");
        return loaded;
    }

    private static IEnumerable<string> ScalarOpNames() => ScalarOps.Names.Order();

    [TestCaseSource(nameof(ScalarOpNames))]
    public void Every_elementwise_rule_round_trips(string name)
    {
        var scalar = ScalarOps.ByName(name);
        Assert.That(scalar.Name, Is.EqualTo(name));
        // Float operands first; rules that take only integers or booleans (bitwise) get int64 or bool ones.
        foreach (var dtype in new[] { DType.Float64, DType.Int64, DType.Bool })
        {
            var xs = Enumerable.Range(0, scalar.Arity).Select(i => T.Tensor(dtype, [null], $"x{i}")).ToArray();
            Variable y;
            try
            {
                y = new Elemwise(scalar).Call(xs);
            }
            catch (ArgumentException)
            {
                continue;
            }
            var values = Enumerable.Range(0, scalar.Arity)
                .Select(i => (GradCheck.Uniform([4], 0.25, 1.75, seed: i) * 3).to_type(dtype.ToTorch())).ToArray();
            AssertRoundTrip(xs, [y], values);
            return;
        }
        Assert.Ignore($"{name} accepts none of float64, int64 or bool operands");
    }

    [TestCase("float32")]
    [TestCase("int32")]
    [TestCase("float64")]
    public void Casts_round_trip(string dtype)
    {
        var x = T.DVector("x");
        var y = T.Cast(x, DTypes.Parse(dtype)) * 3L;
        var loaded = AssertRoundTrip([x], [y], Vec(1.5, -2.25, 7));
        Assert.That(loaded.Outputs[0].DType.Name(), Is.EqualTo(dtype));
    }

    [Test]
    public void Sums_dimshuffles_and_dots_round_trip()
    {
        var m = T.DMatrix("m");
        var v = T.DVector("v");
        var cube = T.Tensor(DType.Float64, [2, null, 3], "cube");
        Variable[] outputs =
        [
            T.Sum(cube), T.Sum(cube, 1), T.Sum(cube, [0, 2]), T.Sum(cube, 2, keepdims: true),
            T.DimShuffle(cube, [2, -1, 0, 1]), T.Transpose(m),
            T.Dot(v, v), T.Dot(m, v), T.Dot(v, m), T.Dot(m, m),
        ];
        var mv = GradCheck.Uniform([3, 3], seed: 1);
        var vv = GradCheck.Uniform([3], seed: 2);
        var cv = GradCheck.Uniform([2, 5, 3], seed: 3);
        AssertRoundTrip([m, v, cube], outputs, mv, vv, cv);
    }

    [Test]
    public void A_gradient_graph_round_trips()
    {
        var x = T.DMatrix("X");
        var w = T.DVector("w");
        var b = T.DScalar("b");
        var s = T.DVector("s");
        var loss = T.Log(1.0 + T.Exp(-s * (T.Dot(x, w) + b))).Sum() / T.Sum(T.OnesLike(s));
        loss.Name = "loss";
        var grads = Autodiff.Grad(loss, [w, b]);
        var hessianRow = Autodiff.Grad(grads[1], [w])[0];
        AssertRoundTrip([x, s, w, b], [loss, .. grads, hessianRow],
            GradCheck.Uniform([6, 3], seed: 4), torch.tensor(new[] { 1.0, -1, 1, 1, -1, -1 }),
            GradCheck.Uniform([3], seed: 5), torch.tensor(0.25, ScalarType.Float64));
    }

    [Test]
    public void A_compiled_functions_rewritten_graph_round_trips()
    {
        var x = T.DVector("x");
        var y = T.Exp(x * 1.0 + 0.0) * (T.Constant(2.0) + T.Constant(3.0));
        var f = Function.Compile([x], [y]);
        AssertRoundTrip(f.Inputs.ToArray(), f.Graph.Outputs.ToArray(), Vec(0.5, -1));
    }

    [Test]
    public void Names_types_and_input_order_are_kept()
    {
        var x = T.Tensor(DType.Float32, [null, 3], "features");
        var y = T.FVector("target");
        var h = T.Tanh(x);
        h.Name = "hidden";
        var cost = (T.Sum(h, 1) - y).Sum();
        cost.Name = "cost";
        var loaded = GraphJson.Read(GraphJson.Write([y, x], [cost, h]));
        Assert.That(loaded.Inputs.Select(v => v.Name), Is.EqualTo(new[] { "target", "features" }));
        Assert.That(loaded.Inputs[1].Type, Is.EqualTo(x.Type));
        Assert.That(loaded.Outputs.Select(v => v.Name), Is.EqualTo(new[] { "cost", "hidden" }));
        Assert.That(loaded.Outputs[0].Owner, Is.Not.Null);
        Assert.That(loaded.Inputs[0], Is.Not.SameAs(y), "reading makes new variables");
    }

    [Test]
    public void Constants_keep_exact_values_dtypes_and_weakness()
    {
        var x = T.Tensor(DType.Int32, [null], "x");
        var weak = x * 2.0;                      // a bare float: floatX, not float64
        var strong = x * T.Constant(torch.tensor(2.0, ScalarType.Float64), "two");
        var special = T.Constant(torch.tensor(new[] { 0.1, -0.0, double.NaN, double.Epsilon, double.PositiveInfinity, 1e308 }),
            "special");
        var flags = T.Constant(torch.tensor(new[] { true, false, true }), "flags");
        var half = T.Constant(torch.tensor(new float[] { 1.5f, -2 }).to_type(ScalarType.Float16));
        var bytes = T.Constant(torch.tensor(new sbyte[] { -128, 127 }));
        var complex = T.Constant(torch.complex(torch.tensor(new[] { 1.0, 2 }), torch.tensor(new[] { -0.5, 3 })));
        Variable[] outputs = [weak, strong, special, flags, half, bytes, complex];
        var loaded = AssertRoundTrip([x], outputs, torch.tensor(new[] { 1, 2, 3 }, ScalarType.Int32));
        Assert.That(loaded.Outputs[0].DType, Is.EqualTo(weak.DType));
        Assert.That(loaded.Outputs[1].DType, Is.EqualTo(DType.Float64));
        var constant = (Constant)loaded.Outputs[2];
        Assert.That(constant.Name, Is.EqualTo("special"));
        Assert.That(Bits(constant.Value), Is.EqualTo(Bits(special.Value)), "NaN, -0.0 and subnormals keep their bits");
        var weakConstant = GraphOrder.GraphInputs([loaded.Outputs[0]]).OfType<Constant>().Single();
        Assert.That(weakConstant.IsWeak, Is.True);
    }

    [Test]
    public void Shared_variables_come_back_as_new_shared_variables_with_the_value_at_write_time()
    {
        var w = new SharedVariable(Vec(1, 2, 3), "w", shape: [3]);
        var x = T.DVector("x");
        var y = (x * w).Sum();
        var json = GraphJson.Write([x], [y]);
        w.SetValue(Vec(10, 20, 30));
        var loaded = GraphJson.Read(json);
        var shared = loaded.Outputs[0].Owner!.Inputs[0].Owner!.Inputs.OfType<SharedVariable>().Single();
        Assert.That(shared, Is.Not.SameAs(w));
        Assert.That(shared.Name, Is.EqualTo("w"));
        Assert.That(shared.Type, Is.EqualTo(w.Type), "static shape kept");
        Assert.That(GradCheck.Doubles(shared.GetValue()), Is.EqualTo(new[] { 1.0, 2, 3 }));
        var f = Function.Compile(loaded.Inputs, loaded.Outputs);
        Assert.That(f.Call(Vec(1, 1, 1))[0].item<double>(), Is.EqualTo(6.0));
        shared.SetValue(Vec(0, 0, 1));
        Assert.That(f.Call(Vec(1, 1, 5))[0].item<double>(), Is.EqualTo(5.0), "the loaded function reads the new shared");
    }

    [Test]
    public void Graphs_cut_at_an_intermediate_input_and_free_variables_are_kept()
    {
        var x = T.DVector("x");
        var h = T.Exp(x);
        h.Name = "h";
        var free = T.DScalar("free");
        var y = T.Log(h) * free;
        var loaded = GraphJson.Read(GraphJson.Write([h], [y]));
        Assert.That(loaded.Inputs[0].Owner, Is.Null, "the cut input has no owner");
        Assert.That(loaded.Inputs[0].Name, Is.EqualTo("h"));
        Assert.Throws<MissingInputException>(() => Function.Compile(loaded.Inputs, loaded.Outputs));
    }

    [Test]
    public void Values_documents_are_exact()
    {
        Tensor[] values = [Vec(0.1, -0.0, double.NaN), torch.tensor(new[] { 7, -8 }, ScalarType.Int64),
            torch.tensor(3.25f), torch.zeros(0, 2, dtype: ScalarType.Float64)];
        var back = GraphJson.ReadValues(GraphJson.WriteValues(values));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.That(back[i].dtype, Is.EqualTo(values[i].dtype));
            Assert.That(back[i].shape, Is.EqualTo(values[i].shape));
            Assert.That(Bits(back[i]), Is.EqualTo(Bits(values[i])));
        }
        var readable = GraphJson.ReadValues(
            """{"format": "gradient-values", "version": 1, "values": [{"dtype": "float32", "shape": [2, 2], "values": [1, 2.5, -3, 4]}]}""");
        Assert.That(readable[0].shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(readable[0].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2.5f, -3f, 4f }));
    }

    [Test]
    public void Every_engine_op_class_follows_the_rebuild_convention()
    {
        var ops = typeof(Op).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToList();
        Assert.That(ops, Is.Not.Empty);
        foreach (var type in ops)
        {
            bool instance = type.GetField("Instance", BindingFlags.Public | BindingFlags.Static) is not null
                || type.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static) is not null;
            Assert.That(instance || type.GetConstructors().Length > 0, Is.True,
                $"{type.Name} needs a public constructor taking its props in order (or a static Instance)");
        }
    }

    [Test]
    public void Ops_of_other_assemblies_and_renamed_ops_are_found()
    {
        var x = T.DVector("x");
        var y = new ScaleOp(2.5, "twice and a half").Call(x);
        var loaded = AssertRoundTrip([x], [y], Vec(1, -2));
        Assert.That(loaded.Outputs[0].Owner!.Op, Is.EqualTo(new ScaleOp(2.5, "twice and a half")));
        Assert.That(GraphJson.Write([x], [y]), Does.Contain("\"op\":\"Scale\""));
    }

    [Test]
    public void An_op_that_cannot_be_rebuilt_is_refused_when_writing()
    {
        var x = T.DVector("x");
        var y = new HiddenOp(3).Call(x);
        var e = Assert.Throws<NotSupportedException>(() => GraphJson.Write([x], [y]));
        Assert.That(e!.Message, Does.Contain("HiddenOp").And.Contain("public constructor"));
    }

    [Test]
    public void Inputs_must_be_symbolic_and_distinct_when_writing()
    {
        var x = T.DVector("x");
        var c = T.Constant(Vec(1, 2));
        Assert.Throws<ArgumentException>(() => GraphJson.Write([c], [x + c]));
        Assert.Throws<ArgumentException>(() => GraphJson.Write([x, x], [x + c]));
        Assert.Throws<ArgumentNullException>(() => GraphJson.Write([x], [null!]));
    }

    [Test]
    public void Scalar_ops_are_found_by_name()
    {
        Assert.That(ScalarOps.ByName("true_div"), Is.SameAs(ScalarOps.TrueDiv));
        Assert.That(ScalarOps.ByName("cast{float32}").Name, Is.EqualTo("cast{float32}"));
        Assert.That(() => ScalarOps.ByName("cast{float99}"), Throws.ArgumentException.With.Message.Contains("float99"));
        Assert.That(() => ScalarOps.ByName("no_such_rule"), Throws.ArgumentException.With.Message.Contains("unknown name 'no_such_rule'"));
        Assert.That(() => ScalarOps.ByName("frobnicate{1}"), Throws.ArgumentException.With.Message.Contains("frobnicate"));
    }

    // A small valid document to break in each malformed-input test.
    private static JsonObject Sample()
    {
        var x = T.DVector("x");
        var y = T.Sum(x * 2.0, 0);
        return JsonNode.Parse(GraphJson.Write([x], [y]))!.AsObject();
    }

    private static JsonObject Node(JsonObject doc, int i) => doc["nodes"]![i]!.AsObject();

    private static JsonObject LastNode(JsonObject doc) => Node(doc, doc["nodes"]!.AsArray().Count - 1);

    private static JsonObject Variable(JsonObject doc, int id) =>
        doc["variables"]!.AsArray().Select(v => v!.AsObject()).Single(v => (int)v["id"]! == id);

    private static void AssertRejected(string json, params string[] parts)
    {
        var e = Assert.Throws<GraphJsonException>(() => GraphJson.Read(json));
        Assert.That(e, Is.InstanceOf<FormatException>());
        foreach (var part in parts)
        {
            Assert.That(e!.Message, Does.Contain(part));
        }
    }

    private static void AssertRejected(JsonObject doc, params string[] parts) => AssertRejected(doc.ToJsonString(), parts);

    [Test]
    public void The_sample_document_reads()
    {
        Assert.That(GraphJson.Read(Sample().ToJsonString()).Outputs, Has.Length.EqualTo(1));
    }

    [Test]
    public void Malformed_json_is_rejected() => AssertRejected("{\"format\": \"gradient-graph\", ", "not valid JSON");

    [Test]
    public void Wrong_format_or_version_is_rejected()
    {
        var doc = Sample();
        doc["format"] = "onnx";
        AssertRejected(doc, "format", "gradient-graph", "onnx");
        doc = Sample();
        doc["version"] = 2;
        AssertRejected(doc, "version", "got 2");
        AssertRejected("[]", "expected a JSON object");
        doc = Sample();
        doc.Remove("nodes");
        AssertRejected(doc, "missing field \"nodes\"");
    }

    [Test]
    public void Unknown_op_is_rejected()
    {
        var doc = Sample();
        LastNode(doc)["op"] = "Frobnicate";
        AssertRejected(doc, "unknown op 'Frobnicate'");
    }

    [Test]
    public void Wrong_prop_types_and_counts_are_rejected()
    {
        var doc = Sample();
        LastNode(doc)["props"] = JsonNode.Parse("""{"axis": "zero"}""");
        AssertRejected(doc, "nodes[", "props.axis: expected a list of an integer (Int32); got \"zero\"");
        doc = Sample();
        LastNode(doc)["props"] = JsonNode.Parse("""{"axis": [0], "keepdims": true}""");
        AssertRejected(doc, "Sum takes 1 prop(s); got 2");
        doc = Sample();
        Node(doc, 1)["props"] = JsonNode.Parse("""{"scalar_op": "frobnicate"}""");
        AssertRejected(doc, "scalar_op", "unknown name 'frobnicate'");
        doc = Sample();
        LastNode(doc)["props"] = JsonNode.Parse("""{"axes": [0]}""");
        AssertRejected(doc, "has props [axis]", "got [axes]");
        doc = Sample();
        LastNode(doc)["props"] = JsonNode.Parse("""{"axis": [3]}""");
        AssertRejected(doc, "does not accept its inputs");
    }

    [Test]
    public void Dangling_and_duplicate_ids_are_rejected()
    {
        var doc = Sample();
        LastNode(doc)["inputs"] = new JsonArray(99);
        AssertRejected(doc, "no variable has id 99");
        doc = Sample();
        doc["outputs"] = new JsonArray(42);
        AssertRejected(doc, "outputs[0]", "no variable has id 42");
        doc = Sample();
        doc["inputs"] = new JsonArray(7);
        AssertRejected(doc, "inputs[0]", "no variable has id 7");
        doc = Sample();
        Variable(doc, 1)["id"] = 0;
        AssertRejected(doc, "id 0 is used twice");
        doc = Sample();
        doc["nodes"] = new JsonArray(doc["nodes"]!.AsArray().Reverse().Select(n => n!.DeepClone()).ToArray());
        AssertRejected(doc, "computed by a later node", "topological order");
        doc = Sample();
        doc["nodes"]!.AsArray().RemoveAt(doc["nodes"]!.AsArray().Count - 1);
        AssertRejected(doc, "no node computes it");
        doc = Sample();
        doc["inputs"] = new JsonArray(doc["outputs"]![0]!.DeepClone());
        AssertRejected(doc, "inputs[0]", "inputs must have kind \"input\"");
    }

    [Test]
    public void Declared_types_must_match_what_the_ops_produce()
    {
        var doc = Sample();
        var output = (int)doc["outputs"]![0]!;
        Variable(doc, output)["type"] = JsonNode.Parse("""{"dtype": "float32", "shape": []}""");
        AssertRejected(doc, "gives TensorType(float64, ())", "declares TensorType(float32, ())");
        doc = Sample();
        Variable(doc, 0)["type"]!["dtype"] = "float128";
        AssertRejected(doc, "variables[0].type.dtype", "float128");
        doc = Sample();
        Variable(doc, 0)["kind"] = "parameter";
        AssertRejected(doc, "variables[0].kind", "parameter");
    }

    [Test]
    public void Bad_constant_values_are_rejected()
    {
        var doc = Sample();
        var constant = doc["variables"]!.AsArray().Select(v => v!.AsObject()).First(v => (string)v["kind"]! == "constant");
        constant["value"]!["data"] = "AAAA";
        AssertRejected(doc, ".value.data", "needs", "bytes; got 3");
        constant["value"]!["data"] = "***";
        AssertRejected(doc, ".value.data", "base64");
        constant["value"]!["dtype"] = "int64";
        constant["value"]!["data"] = Convert.ToBase64String(new byte[8]);
        AssertRejected(doc, "dtype int64 does not match");
    }

    /// <summary>A test op in this assembly, whose ClassName differs from its type name.</summary>
    public sealed class ScaleOp(double factor, string label) : Op
    {
        /// <summary>The multiplier.</summary>
        public double Factor { get; } = factor;

        /// <summary>A free-text prop, to check strings travel.</summary>
        public string Label { get; } = label;

        /// <inheritdoc/>
        public override string ClassName => "Scale";

        /// <inheritdoc/>
        public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("factor", Factor), new("label", Label)];

        /// <inheritdoc/>
        public override Apply MakeNode(params Variable[] inputs) => new(this, inputs, [inputs[0].Type]);

        /// <inheritdoc/>
        public override Tensor[] Perform(Apply node, Tensor[] inputs) => [inputs[0] * Factor];

        /// <inheritdoc/>
        public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [Call(outputGradients[0])];

        /// <inheritdoc/>
        public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
            [inputTangents[0] is null ? null : Call(inputTangents[0]!)];
    }

    /// <summary>An op that breaks the convention: no public constructor.</summary>
    public sealed class HiddenOp : Op
    {
        private readonly int _k;

        internal HiddenOp(int k) => _k = k;

        /// <inheritdoc/>
        public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("k", _k)];

        /// <inheritdoc/>
        public override Apply MakeNode(params Variable[] inputs) => new(this, inputs, [inputs[0].Type]);

        /// <inheritdoc/>
        public override Tensor[] Perform(Apply node, Tensor[] inputs) => [inputs[0] * _k];

        /// <inheritdoc/>
        public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

        /// <inheritdoc/>
        public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];
    }
}
