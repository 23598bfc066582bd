using System.Runtime.CompilerServices;
using System.Text.Json;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>OpFromGraph</c>: an op whose computation is a graph, from <c>inputs</c> to <c>outputs</c>, compiled once
/// into an inner function. Calling it on variables makes one node. Its pullback and pushforward are by default those
/// of the inner graph, each itself an <see cref="OpFromGraph"/> (so derivatives of any order work); overrides
/// (<see cref="OpFromGraphOptions.LopOverride"/>, <see cref="OpFromGraphOptions.RopOverride"/>) replace them.
/// </summary>
/// <remarks>
/// <para>Shared variables the outputs use become extra inputs of every node (Aesara's <c>shared_inputs</c>), appended
/// after the explicit ones, so gradients with respect to them flow. Any other free variable is an error.</para>
/// <para>The default gradient op takes the node's inputs, its outputs and the output gradients (only those its graph
/// reads), and recomputes inside itself the intermediate values of the inner graph that the gradient needs: the
/// forward pass keeps only the op's outputs alive. That is what <see cref="Gradient.Checkpoint"/> builds on.</para>
/// <para>With <see cref="Inline"/>, the compiler replaces each node by its inner graph
/// (<see cref="Rewrites.InlineOpFromGraph"/>); derivatives taken before compiling keep the overrides.</para>
/// <para>Two ops are equal when they are the same object, or when neither has overrides and their inner graphs and
/// flags are the same (compared through their JSON form). An op without overrides is serializable: its inner graph
/// is a nested graph document in its props.</para>
/// </remarks>
public sealed class OpFromGraph : Op
{
    private readonly Variable[] _innerInputs;
    private readonly Variable[] _innerOutputs;
    private readonly SharedVariable[] _shared;
    private readonly OpFromGraphOptions _options;
    private readonly Lock _lock = new();
    private Function? _function;
    private Derivative? _lop;
    private readonly Dictionary<string, Derivative> _rops = [];
    private readonly Dictionary<string, OpFromGraph> _batched = [];
    private bool[][]? _pattern;
    private bool? _deterministic;
    private bool _jsonDone;
    private string? _json;
    private JsonElement? _jsonElement;
    private string? _whyNotSerializable;
    // For an op made by Batch: which outputs carry the batch axis.
    private bool[]? _batchedFlags;

    /// <summary>
    /// The op computing <paramref name="outputs"/> from <paramref name="inputs"/>. The graph is copied: the op's
    /// inner inputs are new variables of the same types (the shared variables the outputs use included).
    /// </summary>
    /// <exception cref="ArgumentException">An input is a constant, a shared variable, repeated, or a gradient placeholder.</exception>
    /// <exception cref="MissingInputException">The outputs need a variable that is not an input, a shared variable or a constant.</exception>
    public OpFromGraph(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs, OpFromGraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        _options = options ?? new OpFromGraphOptions();
        if (_options.Inline && _options.Checkpoint)
        {
            throw new ArgumentException("OpFromGraph: a checkpoint is never inlined; inline and checkpoint exclude each other");
        }
        string label = _options.Name ?? "OpFromGraph";
        for (int i = 0; i < inputs.Count; i++)
        {
            switch (inputs[i])
            {
                case null:
                    throw new ArgumentNullException(nameof(inputs), $"{label}: input {i} is null");
                case Constant c:
                    throw new ArgumentException($"{label}: constants are not allowed as inputs; input {i} is {c}",
                        nameof(inputs));
                case SharedVariable s:
                    throw new ArgumentException(
                        $"{label}: shared variables are not allowed as inputs (they are taken in automatically); " +
                        $"input {i} is {s}", nameof(inputs));
                case NullGradient or DisconnectedGradient:
                    throw new ArgumentException($"{label}: input {i} is a gradient placeholder ({inputs[i]})",
                        nameof(inputs));
            }
            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(inputs[j], inputs[i]))
                {
                    throw new ArgumentException($"{label}: input {inputs[i]} is given more than once", nameof(inputs));
                }
            }
        }
        for (int o = 0; o < outputs.Count; o++)
        {
            switch (outputs[o])
            {
                case null:
                    throw new ArgumentNullException(nameof(outputs), $"{label}: output {o} is null");
                case NullGradient n:
                    throw new NullTypeGradException($"{label}: output {o} is an undefined gradient (NullType): {n.Why}");
                case DisconnectedGradient:
                    throw new ArgumentException($"{label}: output {o} is a disconnected gradient placeholder",
                        nameof(outputs));
            }
        }
        var inputSet = new HashSet<Variable>(inputs);
        var roots = GraphOrder.GraphInputs(outputs, inputSet);
        foreach (var v in roots)
        {
            if (!inputSet.Contains(v) && v is not Constant && v is not SharedVariable)
            {
                throw new MissingInputException(
                    $"{label}: the outputs need {v} ({v.Type}), which is neither an input, a shared variable nor a " +
                    "constant; add it to the inputs");
            }
        }
        _shared = roots.OfType<SharedVariable>().Where(s => !inputSet.Contains(s)).ToArray();
        var outer = inputs.Concat(_shared).ToArray();
        _innerInputs = outer.Select(v => new Variable(v.Type, name: v.Name)).ToArray();
        _innerOutputs = CloneReplace(outputs, outer.Zip(_innerInputs).ToDictionary(p => p.First, p => p.Second));
        ExplicitInputCount = inputs.Count;
    }

    /// <summary>
    /// Rebuilds a serialized op from its props: <paramref name="graph"/> is the nested graph document of its inner
    /// graph (<see cref="GraphJson"/>); every inner input is an explicit input.
    /// </summary>
    public OpFromGraph(bool inline, bool checkpoint, string? name, JsonElement graph)
        : this(GraphJson.Read(graph.GetRawText()), new OpFromGraphOptions { Inline = inline, Checkpoint = checkpoint, Name = name })
    {
    }

    private OpFromGraph(LoadedGraph graph, OpFromGraphOptions options) : this(graph.Inputs, graph.Outputs, options)
    {
    }

    /// <summary>Whether the compiler inlines the inner graph.</summary>
    public bool Inline => _options.Inline;

    /// <summary>Whether the op is a checkpoint (see <see cref="Gradient.Checkpoint"/>).</summary>
    public bool IsCheckpoint => _options.Checkpoint;

    /// <summary>The name given, or null.</summary>
    public string? Name => _options.Name;

    /// <summary>The options the op was made with.</summary>
    public OpFromGraphOptions Options => _options;

    /// <summary>How many inputs a call takes (the shared-variable inputs are appended automatically).</summary>
    public int ExplicitInputCount { get; }

    /// <summary>The inner graph's inputs: one per explicit input, then one per shared variable.</summary>
    public IReadOnlyList<Variable> InnerInputs => _innerInputs;

    /// <summary>The inner graph's outputs.</summary>
    public IReadOnlyList<Variable> InnerOutputs => _innerOutputs;

    /// <summary>The shared variables the outputs use, appended to every node's inputs.</summary>
    public IReadOnlyList<SharedVariable> SharedInputs => _shared;

    /// <summary>Whether the op has no derivative overrides and no given connection pattern.</summary>
    public bool HasDefaultDerivatives =>
        _options.LopOverride is null && _options.RopOverride is null && _options.ConnectionPattern is null;

    /// <summary>The compiled inner function (compiled on first use).</summary>
    public Function InnerFunction
    {
        get
        {
            lock (_lock)
            {
                return _function ??= Function.Compile(_innerInputs, _innerOutputs, new CompileOptions
                {
                    OnUnusedInput = UnusedInputPolicy.Ignore,
                    Name = ToString(),
                });
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
    [
        new("inline", Inline),
        new("checkpoint", IsCheckpoint),
        new("name", Name),
        new("graph", Json().Element),
    ];

    /// <summary>Why the op cannot be written to a graph document, or null when it can.</summary>
    public string? WhyNotSerializable
    {
        get
        {
            if (!HasDefaultDerivatives)
            {
                return "it has derivative overrides or a given connection pattern (code, which a graph document " +
                       "cannot hold); only an OpFromGraph with the default derivatives is serializable";
            }
            return Json().Why;
        }
    }

    /// <summary>Deterministic when every op of the inner graph is.</summary>
    public override bool IsDeterministic
    {
        get
        {
            lock (_lock)
            {
                return _deterministic ??= GraphOrder.Toposort(_innerOutputs, _innerInputs.ToHashSet())
                    .All(n => n.Op.IsDeterministic);
            }
        }
    }

    /// <summary>The inner function returns fresh tensors (it copies whatever would alias its arguments).</summary>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <summary>
    /// A node on <paramref name="inputs"/>: the explicit inputs, to which the shared variables are appended (or all of
    /// them, shared ones last). Each input must have its inner input's dtype and rank, and no static length that
    /// contradicts it; the outputs have the inner outputs' types.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number of inputs, or an input whose type does not fit.</exception>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable[] all;
        if (inputs.Length == ExplicitInputCount)
        {
            all = [.. inputs, .. _shared];
        }
        else if (inputs.Length == _innerInputs.Length
                 && _shared.Select((s, k) => ReferenceEquals(inputs[ExplicitInputCount + k], s)).All(b => b))
        {
            all = inputs;
        }
        else
        {
            throw new ArgumentException($"{this}: expected {ExplicitInputCount} input(s); got {inputs.Length}",
                nameof(inputs));
        }
        for (int i = 0; i < all.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(all[i], $"{this} input {i}");
            if (Misfit(all[i].Type, _innerInputs[i].Type) is { } why)
            {
                throw new ArgumentException($"{this}: input {i} ({all[i]}) has type {all[i].Type}; expected " +
                    $"{_innerInputs[i].Type} ({why})", nameof(inputs));
            }
        }
        return new Apply(this, all, _innerOutputs.Select(o => o.Type).ToArray());
    }

    /// <summary>Runs the compiled inner function.</summary>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => InnerFunction.Call(inputs);

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        Lop(node.Inputs, node.Outputs, outputGradients);

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => Rop(node.Inputs, inputTangents);

    /// <summary>
    /// The op's L-op at a node with these <paramref name="inputs"/> (all of them, shared ones included) and
    /// <paramref name="outputs"/>: the gradient op applied to them and <paramref name="outputGradients"/>, one term
    /// per input (a <see cref="DisconnectedGradient"/> or <see cref="NullGradient"/> where the gradient is so).
    /// </summary>
    public Variable?[] Lop(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs, IReadOnlyList<Variable> outputGradients)
    {
        if (inputs.Count != _innerInputs.Length || outputs.Count != _innerOutputs.Length
            || outputGradients.Count != _innerOutputs.Length)
        {
            throw new ArgumentException($"{this}.Lop: expected {_innerInputs.Length} input(s), {_innerOutputs.Length} " +
                $"output(s) and as many output gradients; got {inputs.Count}, {outputs.Count} and {outputGradients.Count}");
        }
        var d = LopDerivative();
        var pool = new List<Variable>(inputs);
        pool.AddRange(outputs);
        pool.AddRange(outputGradients.Select((g, o) => As(g, d.PoolTypes[_innerInputs.Length + _innerOutputs.Length + o])));
        var results = d.Apply(pool);
        return inputs.Select((x, i) => d.Special[i] switch
        {
            NullGradient n => new NullGradient(FloatType(x), n.Why),
            DisconnectedGradient => new DisconnectedGradient(FloatType(x)),
            _ => results[d.Slot[i]],
        }).ToArray();
    }

    /// <summary>
    /// The op's R-op at a node with these <paramref name="inputs"/> (all of them) along <paramref name="tangents"/>
    /// (null for zero): one tangent per output, null where it is zero.
    /// </summary>
    /// <exception cref="NullTypeGradException">An override says an output's R-op is undefined.</exception>
    public Variable?[] Rop(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable?> tangents)
    {
        if (inputs.Count != _innerInputs.Length || tangents.Count != _innerInputs.Length)
        {
            throw new ArgumentException($"{this}.Rop: expected {_innerInputs.Length} input(s) and as many tangents; " +
                $"got {inputs.Count} and {tangents.Count}");
        }
        bool overridden = _options.RopOverride is not null;
        var mask = tangents.Select(t => overridden || t is not null).ToArray();
        var d = RopDerivative(mask);
        var pool = new List<Variable>(inputs);
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                var type = d.PoolTypes[pool.Count];
                pool.Add(tangents[i] is { } t ? As(t, type) : T.ZerosLike(inputs[i], type.DType));
            }
        }
        var results = d.Apply(pool);
        return _innerOutputs.Select((_, o) => d.Special[o] switch
        {
            NullGradient n => throw new NullTypeGradException($"{this}: the R-op of output {o} is undefined: {n.Why}"),
            DisconnectedGradient => null,
            _ => results[d.Slot[o]],
        }).ToArray();
    }

    /// <summary>
    /// Which outputs depend on which inputs: the given pattern, or the inner graph's, where a pullback override
    /// disconnects an input (disconnected term) or connects it to the output gradients its term reads.
    /// </summary>
    public override bool[][] ConnectionPattern(Apply node)
    {
        lock (_lock)
        {
            if (_pattern is not null)
            {
                return _pattern;
            }
        }
        var pattern = BuildPattern();
        lock (_lock)
        {
            return _pattern ??= pattern;
        }
    }

    /// <summary>
    /// Vectorizes the inner graph: a new op (cached per pattern of batched inputs) whose inner graph is the inner
    /// graph batched over a leading axis. An op with derivative overrides has no batching rule (its batched form
    /// would lose them).
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (!HasDefaultDerivatives)
        {
            return null;
        }
        string key = Key(inputs.Select(i => i.Batched));
        OpFromGraph? op;
        bool[] flags;
        lock (_lock)
        {
            _batched.TryGetValue(key, out op);
        }
        if (op is null)
        {
            var fresh = _innerInputs.Select((x, i) => inputs[i].Batched
                ? new Variable(new TensorType(x.DType, [null, .. x.Type.Shape]), name: x.Name)
                : x).ToArray();
            var replace = new Dictionary<Variable, Variable>();
            for (int i = 0; i < fresh.Length; i++)
            {
                if (inputs[i].Batched)
                {
                    replace[_innerInputs[i]] = fresh[i];
                }
            }
            var vectorized = Batching.Vectorize(_innerOutputs, replace);
            // An unbatched output must still come out of the op: its flag tells the caller.
            op = new OpFromGraph(fresh, vectorized.Select(v => v.Value).ToArray(), _options with { });
            op._batchedFlags = vectorized.Select(v => v.Batched).ToArray();
            lock (_lock)
            {
                op = _batched.TryAdd(key, op) ? op : _batched[key];
            }
        }
        flags = op._batchedFlags!;
        var outs = op.MakeNode(inputs.Select(i => i.Value).ToArray()).Outputs;
        return outs.Select((v, o) => (v, flags[o])).ToArray();
    }

    /// <summary>The inner graph with its inputs replaced by <paramref name="inputs"/> (what inlining puts in place of a node).</summary>
    public Variable[] InlineInto(IReadOnlyList<Variable> inputs)
    {
        if (inputs.Count != _innerInputs.Length)
        {
            throw new ArgumentException($"{this}: expected {_innerInputs.Length} input(s) to inline into; got {inputs.Count}");
        }
        return CloneReplace(_innerOutputs, _innerInputs.Zip(inputs).ToDictionary(p => p.First, p => p.Second));
    }

    /// <summary>
    /// The default gradient terms of the inner graph: the gradient of Σ_o ⟨outputs_o, outputGradients_o⟩ with
    /// respect to each inner input, with <see cref="DisconnectedGradient"/> and <see cref="NullGradient"/> where the
    /// gradient is disconnected or undefined. <paramref name="inputs"/>, <paramref name="outputs"/> and
    /// <paramref name="outputGradients"/> are what an override receives.
    /// </summary>
    public static Variable[] DefaultGradients(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs,
        IReadOnlyList<Variable> outputGradients) =>
        Autodiff.Vjp(outputs, inputs, outputGradients, new GradOptions
        {
            DisconnectedInputs = DisconnectedPolicy.Ignore,
            ReturnDisconnected = ReturnDisconnected.Disconnected,
            ReturnNullGradients = true,
        });

    /// <summary>An <see cref="OpFromGraph"/> in Aesara's L-op form (inputs, outputs, output gradients) as an override.</summary>
    public static LopOverride AsLopOverride(OpFromGraph op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return (inputs, outputs, grads) =>
        {
            int n = inputs.Count + outputs.Count + grads.Count;
            if (op.ExplicitInputCount != n)
            {
                throw new ArgumentException($"expect overrider with {n} inputs, got {op.ExplicitInputCount}");
            }
            return op.MakeNode([.. inputs, .. outputs, .. grads]).Outputs.ToArray();
        };
    }

    /// <summary>An <see cref="OpFromGraph"/> in Aesara's R-op form (inputs, eval points) as an override.</summary>
    public static RopOverride AsRopOverride(OpFromGraph op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return (inputs, points) =>
        {
            int n = inputs.Count + points.Count;
            if (op.ExplicitInputCount != n)
            {
                throw new ArgumentException($"expect overrider with {n} inputs, got {op.ExplicitInputCount}");
            }
            return op.MakeNode([.. inputs, .. points]).Outputs.ToArray();
        };
    }

    /// <summary>
    /// A pullback override from one term per input (Aesara's list form): null takes the default gradient for that
    /// input, otherwise the function returns the term (a gradient, null or a <see cref="DisconnectedGradient"/> for
    /// disconnected, a <see cref="NullGradient"/> for undefined).
    /// </summary>
    public static LopOverride PerInput(params Func<IReadOnlyList<Variable>, IReadOnlyList<Variable>, IReadOnlyList<Variable>, Variable?>?[] terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return (inputs, outputs, grads) =>
        {
            if (terms.Length != inputs.Count)
            {
                throw new ArgumentException($"Need to override {inputs.Count} gradients, got {terms.Length}");
            }
            var defaults = terms.Any(t => t is null) ? DefaultGradients(inputs, outputs, grads) : null;
            return terms.Select((t, i) => t is null ? defaults![i] : t(inputs, outputs, grads)).ToArray();
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj)
    {
        if (ReferenceEquals(this, obj))
        {
            return true;
        }
        return obj is OpFromGraph other && HasDefaultDerivatives && other.HasDefaultDerivatives
               && Inline == other.Inline && IsCheckpoint == other.IsCheckpoint && Name == other.Name
               && Json().Text is { } text && text == other.Json().Text;
    }

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HasDefaultDerivatives && Json().Text is { } text
            ? HashCode.Combine(text, Inline, IsCheckpoint, Name)
            : RuntimeHelpers.GetHashCode(this);

    /// <summary>Aesara's spelling: <c>OpFromGraph{inline=False}</c>, or the name in place of the class.</summary>
    public override string ToString() => $"{Name ?? "OpFromGraph"}{{inline={(Inline ? "True" : "False")}}}";

    /// <summary>
    /// Copies the graph of <paramref name="outputs"/>, with each key of <paramref name="replace"/> replaced by its
    /// value: every node between them is new (same op, same output types), the rest is shared.
    /// </summary>
    public static Variable[] CloneReplace(IReadOnlyList<Variable> outputs, IReadOnlyDictionary<Variable, Variable> replace)
    {
        var memo = new Dictionary<Variable, Variable>(replace);
        foreach (var node in GraphOrder.Toposort(outputs, replace.Keys.ToHashSet()))
        {
            var copy = new Apply(node.Op, node.Inputs.Select(v => memo.GetValueOrDefault(v, v)).ToArray(),
                node.Outputs.Select(o => o.Type).ToArray());
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                copy.Outputs[i].Name = node.Outputs[i].Name;
                memo[node.Outputs[i]] = copy.Outputs[i];
            }
        }
        return outputs.Select(v => memo.GetValueOrDefault(v, v)).ToArray();
    }

    /// <summary>Entry [i][o]: whether inner output o depends on inner input i through connected paths.</summary>
    public static bool[][] IoPattern(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs)
    {
        var reach = new Dictionary<Variable, bool[]>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var row = new bool[inputs.Count];
            row[i] = true;
            reach[inputs[i]] = row;
        }
        foreach (var node in GraphOrder.Toposort(outputs, inputs.ToHashSet()))
        {
            // A node that no input reaches is not asked (its pattern may need its derivative rule built).
            if (!node.Inputs.Any(reach.ContainsKey))
            {
                continue;
            }
            var pattern = node.Op.ConnectionPattern(node);
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                var acc = new bool[inputs.Count];
                for (int j = 0; j < node.Inputs.Count; j++)
                {
                    if (pattern[j][o] && reach.TryGetValue(node.Inputs[j], out var from))
                    {
                        for (int i = 0; i < acc.Length; i++)
                        {
                            acc[i] |= from[i];
                        }
                    }
                }
                reach[node.Outputs[o]] = acc;
            }
        }
        return Enumerable.Range(0, inputs.Count)
            .Select(i => outputs.Select(y => reach.TryGetValue(y, out var r) && r[i]).ToArray())
            .ToArray();
    }

    private bool[][] BuildPattern()
    {
        int nIn = _innerInputs.Length, nOut = _innerOutputs.Length;
        var io = IoPattern(_innerInputs, _innerOutputs);
        if (_options.ConnectionPattern is { } given)
        {
            if ((given.Count != nIn && given.Count != ExplicitInputCount) || given.Any(r => r is null || r.Count != nOut))
            {
                throw new ArgumentException(
                    $"{this}: connection_pattern must have one row per input ({ExplicitInputCount}, or {nIn} with the " +
                    $"shared variables) of one bool per output ({nOut})");
            }
            return io.Select((row, i) => i < given.Count ? given[i].ToArray() : row).ToArray();
        }
        if (_options.LopOverride is null)
        {
            return io;
        }
        var d = LopDerivative();
        for (int i = 0; i < nIn; i++)
        {
            if (d.Special[i] is DisconnectedGradient)
            {
                Array.Fill(io[i], false);
            }
            else if (d.Special[i] is null)
            {
                for (int o = 0; o < nOut; o++)
                {
                    io[i][o] |= d.ReadsGradient[i][o];
                }
            }
        }
        return io;
    }

    /// <summary>The pullback, built on first use: the user's override or the inner graph's gradient, as an op.</summary>
    private Derivative LopDerivative()
    {
        lock (_lock)
        {
            if (_lop is not null)
            {
                return _lop;
            }
        }
        var grads = _innerOutputs.Select(o => new Variable(FloatType(o), name: o.Name is null ? null : $"d{o.Name}"))
            .ToArray();
        Variable?[] terms;
        if (_options.LopOverride is { } lop)
        {
            terms = lop(_innerInputs, _innerOutputs, grads)
                    ?? throw new OpContractException($"{this}: the gradient override returned null; it must return a " +
                                                     "list with one term per input", "TypeError");
            if (terms.Length == ExplicitInputCount && _shared.Length > 0)
            {
                // The shared-variable inputs are implicit: an override that leaves them out gives them their default.
                var defaults = DefaultGradients(_innerInputs, _innerOutputs, grads);
                terms = [.. terms, .. defaults[ExplicitInputCount..]];
            }
            if (terms.Length != _innerInputs.Length)
            {
                throw new OpContractException($"{this}: the gradient override returned {terms.Length} term(s) for " +
                    $"{_innerInputs.Length} input(s); it must return one term per input", "ValueError");
            }
        }
        else
        {
            terms = DefaultGradients(_innerInputs, _innerOutputs, grads);
        }
        for (int i = 0; i < terms.Length; i++)
        {
            if (terms[i] is { } g and not NullGradient and not DisconnectedGradient && g.Ndim != _innerInputs[i].Ndim)
            {
                throw new OpContractException($"{this}: the gradient term for input {i} has {g.Ndim} dimension(s); " +
                    $"the input has {_innerInputs[i].Ndim}", "ValueError");
            }
        }
        var pool = _innerInputs.Concat(_innerOutputs).Concat(grads).ToArray();
        var derivative = Derivative.Build(this, "grad", pool, terms, _options.Inline);
        derivative.ReadsGradient = terms.Select(t => grads.Select(g => t is not null && Reads(t, g, pool)).ToArray()).ToArray();
        lock (_lock)
        {
            return _lop ??= derivative;
        }
    }

    /// <summary>The pushforward for tangents present where <paramref name="mask"/> says (all of them for an override).</summary>
    private Derivative RopDerivative(bool[] mask)
    {
        string key = Key(mask);
        lock (_lock)
        {
            if (_rops.TryGetValue(key, out var known))
            {
                return known;
            }
        }
        var wrt = _innerInputs.Where((_, i) => mask[i]).ToArray();
        var points = wrt.Select(x => new Variable(FloatType(x), name: x.Name is null ? null : $"{x.Name}_tangent")).ToArray();
        Variable?[] terms;
        if (_options.RopOverride is { } rop)
        {
            terms = rop(_innerInputs, points)
                    ?? throw new OpContractException($"{this}: the R-op override returned null; it must return a list " +
                                                     "with one term per output", "TypeError");
            if (terms.Length != _innerOutputs.Length)
            {
                throw new OpContractException($"{this}: the R-op override returned {terms.Length} term(s) for " +
                    $"{_innerOutputs.Length} output(s); it must return one term per output", "ValueError");
            }
        }
        else
        {
            terms = wrt.Length == 0
                ? _innerOutputs.Select(o => (Variable?)null).ToArray()
                : Autodiff.Rop(_innerOutputs, wrt, points, DisconnectedPolicy.Ignore, ReturnDisconnected.Disconnected);
        }
        for (int o = 0; o < terms.Length; o++)
        {
            if (terms[o] is { } t and not NullGradient and not DisconnectedGradient && t.Ndim != _innerOutputs[o].Ndim)
            {
                throw new OpContractException($"{this}: the R-op term for output {o} has {t.Ndim} dimension(s); the " +
                    $"output has {_innerOutputs[o].Ndim}", "ValueError");
            }
        }
        var derivative = Derivative.Build(this, "rop", [.. _innerInputs, .. points], terms, _options.Inline);
        lock (_lock)
        {
            return _rops.TryAdd(key, derivative) ? derivative : _rops[key];
        }
    }

    /// <summary>Whether <paramref name="term"/> depends on <paramref name="v"/> (the walk stops at the pool).</summary>
    private static bool Reads(Variable term, Variable v, Variable[] pool) =>
        ReferenceEquals(term, v) || GraphOrder.GraphInputs([term], pool.ToHashSet()).Contains(v);

    /// <summary>The inner graph as a compact graph document (text and element), or why it cannot be one.</summary>
    private (string? Text, JsonElement? Element, string? Why) Json()
    {
        lock (_lock)
        {
            if (_jsonDone)
            {
                return (_json, _jsonElement, _whyNotSerializable);
            }
        }
        string? text = null;
        JsonElement? element = null;
        string? why = null;
        if (!IsDeterministic)
        {
            why = "its inner graph draws random numbers or runs Python code";
        }
        else
        {
            try
            {
                text = GraphJson.Write(_innerInputs, _innerOutputs, indented: false);
                using var doc = JsonDocument.Parse(text);
                element = doc.RootElement.Clone();
            }
            catch (NotSupportedException e)
            {
                why = $"its inner graph cannot be written: {e.Message}";
            }
        }
        lock (_lock)
        {
            if (!_jsonDone)
            {
                (_json, _jsonElement, _whyNotSerializable, _jsonDone) = (text, element, why, true);
            }
            return (_json, _jsonElement, _whyNotSerializable);
        }
    }

    private static string? Misfit(TensorType given, TensorType expected)
    {
        if (given.DType != expected.DType)
        {
            return $"dtype {given.DType.Name()} is not {expected.DType.Name()}";
        }
        if (given.Ndim != expected.Ndim)
        {
            return $"rank {given.Ndim} is not {expected.Ndim}";
        }
        for (int a = 0; a < given.Ndim; a++)
        {
            if (given.Shape[a] is long n && expected.Shape[a] is long m && n != m)
            {
                return $"axis {a} has length {n}, not {m}";
            }
        }
        return null;
    }

    private static Variable As(Variable v, TensorType type) => v.DType == type.DType ? v : T.Cast(v, type.DType);

    private static string Key(IEnumerable<bool> mask) => string.Concat(mask.Select(b => b ? '1' : '0'));

    private static TensorType FloatType(Variable x) => x.DType.IsDiscrete() ? x.Type.WithDType(Config.FloatX) : x.Type;

    /// <summary>
    /// A derivative rule turned into an op: terms (one per input for a pullback, per output for a pushforward) that
    /// are graphs of a pool of variables (the node's inputs, outputs, gradients or tangents, as inner stand-ins). The
    /// op takes the node's inputs and, of the rest, only the pool entries its graph reads (an output or gradient it
    /// does not read is not kept alive for it); special terms (disconnected, undefined) are not computed.
    /// </summary>
    private sealed class Derivative
    {
        public required OpFromGraph? Op { get; init; }
        public required int[] Args { get; init; }
        public required int[] Slot { get; init; }
        public required Variable?[] Special { get; init; }
        public required TensorType[] PoolTypes { get; init; }
        public bool[][] ReadsGradient { get; set; } = [];

        public static Derivative Build(OpFromGraph owner, string kind, Variable[] pool, Variable?[] terms, bool inline)
        {
            var special = terms.Select(t => t switch
            {
                null => new DisconnectedGradient(new TensorType(DType.Float64, [])),
                NullGradient or DisconnectedGradient => t,
                _ => null,
            }).ToArray();
            var computed = terms.Where((t, i) => special[i] is null).Select(t => t!).ToArray();
            var slot = new int[terms.Length];
            int next = 0;
            for (int i = 0; i < terms.Length; i++)
            {
                slot[i] = special[i] is null ? next++ : -1;
            }
            // Pool entries that can stand for a value: distinct computed or input variables (an inner output that is
            // an inner input, a constant or a repeat is already available through that other entry).
            var candidates = new List<int>();
            var seen = new HashSet<Variable>();
            for (int k = 0; k < pool.Length; k++)
            {
                if (pool[k] is not Constant && pool[k] is not SharedVariable && seen.Add(pool[k]))
                {
                    candidates.Add(k);
                }
            }
            var stop = candidates.Select(k => pool[k]).ToHashSet();
            var used = computed.Length == 0
                ? []
                : GraphOrder.GraphInputs(computed, stop).Where(stop.Contains).ToHashSet();
            // The node's own inputs are always arguments, as in Aesara (whose derivative ops take them all): a
            // function of the derivative then needs them even where the value does not (a linear op's gradient).
            var args = candidates.Where(k => k < owner._innerInputs.Length || used.Contains(pool[k])).ToArray();
            OpFromGraph? op = null;
            if (computed.Length > 0)
            {
                try
                {
                    op = new OpFromGraph(args.Select(k => pool[k]).ToArray(), computed, new OpFromGraphOptions
                    {
                        Inline = inline,
                        Name = owner.Name is null ? null : $"{owner.Name}_{kind}",
                    });
                }
                catch (MissingInputException e)
                {
                    throw new MissingInputException(
                        $"{owner}: the {(kind == "grad" ? "gradient" : "R-op")} terms use a variable that is neither " +
                        $"one of the op's inner inputs, outputs or {(kind == "grad" ? "output gradients" : "tangents")}, " +
                        $"a shared variable nor a constant ({e.Message})");
                }
            }
            return new Derivative
            {
                Op = op,
                Args = args,
                Slot = slot,
                Special = special,
                PoolTypes = pool.Select(v => v.Type).ToArray(),
            };
        }

        public IReadOnlyList<Variable> Apply(List<Variable> pool) =>
            Op is null ? [] : Op.MakeNode(Args.Select(k => pool[k]).ToArray()).Outputs;
    }
}
