using System.Text.Json;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;

namespace Gradient.Ops.Scan;

/// <summary>
/// Aesara's <c>Scan</c>: a loop whose body is an inner graph, compiled once into an inner <see cref="Function"/> and
/// run step by step by <see cref="Perform"/>.
/// </summary>
/// <remarks>
/// <para>
/// Outer inputs: <c>n_steps</c> (an integer scalar), the sequences (each read at its row t in step t), one initial
/// value per recurrent output (shape <c>(w, *state)</c>, w the largest tap distance) and the non-sequences (read
/// whole in every step). Inner inputs, in the same order: one slice per sequence, one input per tap of each recurrent
/// output (taps are negative: tap -k is the value k steps back), one per non-sequence. Inner outputs: the new value of
/// each recurrent output, each map-like output (Aesara's nit_sot), then, for a <c>while</c> loop, the condition that
/// stops the loop after the step that makes it true.
/// </para>
/// <para>
/// Outer outputs: each recurrent output's trace, its initial rows followed by one row per step (<c>(w + n,
/// *state)</c>: what Aesara's scan stores; <see cref="ScanBuilder"/> hands the user <c>trace[w:]</c>), and each
/// map-like output's rows <c>(n, ...)</c>. An output the rewrites found to be read only at its last step is kept as
/// that step alone (<see cref="LastOnly"/>), which makes its memory independent of the number of steps.
/// </para>
/// <para>
/// A <em>checkpointed</em> loop (<see cref="Checkpoint"/> = k &gt; 0) computes the same values; its gradient reads
/// only the states at the boundaries of blocks of k steps (<see cref="ScanCheckpoints"/>) and recomputes each block
/// in the reverse pass. An output the rewrites found to be read only there is kept as those rows alone
/// (<see cref="CheckpointsOnly"/>): memory n/k + 1 states instead of n.
/// </para>
/// <para>
/// A <see cref="Reverse"/> loop runs its steps from the last row to the first: step s reads and writes row
/// <c>n-1-s</c>, and a recurrent trace holds its rows in time order with the initial rows after them (mirrored:
/// initial row j is the value j+1 steps before the first step). The reverse-mode derivative of a loop is such a loop.
/// </para>
/// </remarks>
public sealed partial class Scan : Op
{
    private readonly Variable[] _innerInputs;
    private readonly Variable[] _innerOutputs;
    private readonly int[][] _taps;
    private readonly bool[] _lastOnly;
    private readonly bool[] _checkpointsOnly;
    private readonly Lazy<Function> _function;
    private readonly Lazy<bool[][]> _connection;
    private readonly Lazy<string?> _innerJson;
    private string? _jsonError;

    /// <summary>
    /// Creates a loop over the inner graph from <paramref name="innerInputs"/> to <paramref name="innerOutputs"/>
    /// (laid out as the remarks say). The inner graph must be closed: every variable it reads is an inner input or a
    /// constant.
    /// </summary>
    /// <exception cref="ArgumentException">The layout, the types or the closure of the inner graph are wrong.</exception>
    internal Scan(IReadOnlyList<Variable> innerInputs, IReadOnlyList<Variable> innerOutputs, int nSeqs,
        IReadOnlyList<IReadOnlyList<int>> taps, int nNitSot, bool reverse = false, bool asWhile = false,
        int truncateGradient = -1, IReadOnlyList<bool>? lastOnly = null, string? name = null, int checkpoint = 0,
        IReadOnlyList<bool>? checkpointsOnly = null)
    {
        _innerInputs = innerInputs.ToArray();
        _innerOutputs = innerOutputs.ToArray();
        _taps = taps.Select(t => t.ToArray()).ToArray();
        NSeqs = nSeqs;
        NNitSot = nNitSot;
        Reverse = reverse;
        AsWhile = asWhile;
        TruncateGradient = truncateGradient;
        _lastOnly = lastOnly?.ToArray() ?? new bool[_taps.Length + nNitSot];
        _checkpointsOnly = checkpointsOnly?.ToArray() ?? new bool[_taps.Length + nNitSot];
        Name = name;
        Checkpoint = checkpoint;
        NNonSeqs = _innerInputs.Length - NSeqs - _taps.Sum(t => t.Length);
        Validate();
        _function = new(() => Function.Compile(_innerInputs, _innerOutputs, new CompileOptions
        {
            OnUnusedInput = UnusedInputPolicy.Ignore,
            Name = $"inner function of {this}",
        }));
        _connection = new(ComputeConnection);
        _innerJson = new(() =>
        {
            try
            {
                return GraphJson.Write(_innerInputs, _innerOutputs, indented: false);
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
            {
                _jsonError = e.Message;
                return null;
            }
        });
    }

    /// <summary>
    /// Rebuilds a loop from its props as written in a graph document: <paramref name="inner"/> is the inner graph as a
    /// nested <c>gradient-graph</c> document (its inputs and outputs in the layout of the remarks).
    /// </summary>
    /// <exception cref="ArgumentException">The inner graph is missing or does not fit the layout.</exception>
    public Scan(JsonElement inner, int nSeqs, IReadOnlyList<IReadOnlyList<int>> taps, int nNitSot, bool reverse,
        bool asWhile, int truncateGradient, IReadOnlyList<bool> lastOnly, string? name)
        : this(ReadInner(inner), nSeqs, taps, nNitSot, reverse, asWhile, truncateGradient, lastOnly, name)
    {
    }

    /// <summary>
    /// Rebuilds a checkpointed loop from its props as written in a graph document (see the other constructor;
    /// <paramref name="checkpoint"/> and <paramref name="checkpointsOnly"/> as <see cref="Checkpoint"/> and
    /// <see cref="CheckpointsOnly"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The inner graph is missing or does not fit the layout.</exception>
    public Scan(JsonElement inner, int nSeqs, IReadOnlyList<IReadOnlyList<int>> taps, int nNitSot, bool reverse,
        bool asWhile, int truncateGradient, IReadOnlyList<bool> lastOnly, string? name, int checkpoint,
        IReadOnlyList<bool> checkpointsOnly)
        : this(ReadInner(inner), nSeqs, taps, nNitSot, reverse, asWhile, truncateGradient, lastOnly, name, checkpoint,
            checkpointsOnly)
    {
    }

    private Scan(LoadedGraph inner, int nSeqs, IReadOnlyList<IReadOnlyList<int>> taps, int nNitSot, bool reverse,
        bool asWhile, int truncateGradient, IReadOnlyList<bool> lastOnly, string? name, int checkpoint = 0,
        IReadOnlyList<bool>? checkpointsOnly = null)
        : this(inner.Inputs, inner.Outputs, nSeqs, taps, nNitSot, reverse, asWhile, truncateGradient, lastOnly, name,
            checkpoint, checkpointsOnly)
    {
    }

    /// <summary>The number of sequences.</summary>
    public int NSeqs { get; }

    /// <summary>The taps of each recurrent output (negative: -k reads the value k steps back).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Taps => _taps;

    /// <summary>The number of recurrent outputs.</summary>
    public int NRec => _taps.Length;

    /// <summary>The number of map-like outputs (one value per step, not fed back).</summary>
    public int NNitSot { get; }

    /// <summary>The number of non-sequences.</summary>
    public int NNonSeqs { get; }

    /// <summary>True when the steps run from the last row to the first.</summary>
    public bool Reverse { get; }

    /// <summary>True for a <c>while</c> loop: the last inner output is a condition that stops the loop once true.</summary>
    public bool AsWhile { get; }

    /// <summary>Aesara's <c>truncate_gradient</c>: -1, or the number of last steps the reverse pass runs through.</summary>
    public int TruncateGradient { get; }

    /// <summary>For each output (recurrent, then map-like): true when only its last step is kept.</summary>
    public IReadOnlyList<bool> LastOnly => _lastOnly;

    /// <summary>A name for printing (Aesara's <c>name</c>).</summary>
    public string? Name { get; }

    /// <summary>
    /// 0, or the length k of the blocks a checkpointed loop's gradient recomputes (<c>scan(..., checkpoint=k)</c>):
    /// the reverse pass reads the states at every k-th step only and recomputes the k states of each block from them.
    /// </summary>
    public int Checkpoint { get; }

    /// <summary>
    /// For each output (recurrent, then map-like): true when only the states at the checkpoint boundaries are kept, as
    /// <see cref="ScanCheckpoints"/> lays them out (the rewrites set it when nothing else reads the trace).
    /// </summary>
    public IReadOnlyList<bool> CheckpointsOnly => _checkpointsOnly;

    /// <summary>The inner graph's inputs.</summary>
    public IReadOnlyList<Variable> InnerInputs => _innerInputs;

    /// <summary>The inner graph's outputs.</summary>
    public IReadOnlyList<Variable> InnerOutputs => _innerOutputs;

    /// <summary>The compiled inner graph (compiled on first use, then reused by every run).</summary>
    public Function InnerFunction => _function.Value;

    /// <summary>The number of rows of initial values recurrent output <paramref name="k"/> needs (its largest tap distance).</summary>
    public int Window(int k) => -_taps[k].Min();

    /// <summary>The index, among the inner inputs, of the first tap input of recurrent output <paramref name="k"/>.</summary>
    public int TapStart(int k) => NSeqs + _taps.Take(k).Sum(t => t.Length);

    /// <summary>The index of the first non-sequence among the inner inputs.</summary>
    public int InnerNonSeqStart => NSeqs + _taps.Sum(t => t.Length);

    /// <summary>The number of outputs (recurrent and map-like).</summary>
    public int NOuts => NRec + NNitSot;

    /// <summary>The type of one step of recurrent output <paramref name="k"/> (its tap inputs' type).</summary>
    public TensorType StateType(int k) => _innerInputs[TapStart(k)].Type;

    /// <summary>Outer input index of the first sequence (after <c>n_steps</c>).</summary>
    public static int OuterSeqStart => 1;

    /// <summary>Outer input index of recurrent output <paramref name="k"/>'s initial value.</summary>
    public int OuterInit(int k) => 1 + NSeqs + k;

    /// <summary>Outer input index of non-sequence <paramref name="q"/>.</summary>
    public int OuterNonSeq(int q) => 1 + NSeqs + NRec + q;

    /// <inheritdoc/>
    public override string ClassName => "Scan";

    /// <summary>
    /// The loop's parameters; <c>inner</c> is the inner graph as a nested graph document (or, when an inner op cannot
    /// be written, a sentence saying why, which makes writing the graph fail with that reason).
    /// </summary>
    /// <remarks>A checkpointed loop adds <c>checkpoint</c> and <c>checkpoints_only</c>; a plain loop writes as before.</remarks>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props
    {
        get
        {
            var props = new List<KeyValuePair<string, object?>>
            {
                new("inner", InnerDocument()),
                new("n_seqs", NSeqs),
                new("taps", _taps),
                new("n_nit_sot", NNitSot),
                new("reverse", Reverse),
                new("as_while", AsWhile),
                new("truncate_gradient", TruncateGradient),
                new("last_only", _lastOnly),
                new("name", Name),
            };
            if (Checkpoint > 0 || _checkpointsOnly.Any(c => c))
            {
                props.Add(new("checkpoint", Checkpoint));
                props.Add(new("checkpoints_only", _checkpointsOnly));
            }
            return props;
        }
    }

    /// <summary>
    /// Loops are equal when they are the same object, or have the same parameters and inner graphs that write the same
    /// graph document (which is how a loop read back from a file equals the one written).
    /// </summary>
    public override bool Equals(object? obj)
    {
        if (ReferenceEquals(this, obj))
        {
            return true;
        }
        return obj is Scan other && other.NSeqs == NSeqs && other.NNitSot == NNitSot && other.Reverse == Reverse
               && other.AsWhile == AsWhile && other.TruncateGradient == TruncateGradient && other.Name == Name
               && other._taps.Length == _taps.Length && other._taps.Zip(_taps).All(p => p.First.SequenceEqual(p.Second))
               && other._lastOnly.SequenceEqual(_lastOnly) && other.Checkpoint == Checkpoint
               && other._checkpointsOnly.SequenceEqual(_checkpointsOnly) && other._innerInputs.Length == _innerInputs.Length
               && other._innerOutputs.Length == _innerOutputs.Length
               && _innerJson.Value is { } mine && mine == other._innerJson.Value;
    }

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(NSeqs, NRec, NNitSot, Reverse, AsWhile, TruncateGradient, _innerInputs.Length,
            _innerOutputs.Length), Checkpoint);

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1 + NSeqs + NRec + NNonSeqs);
        var nSteps = inputs[0];
        if (nSteps.Ndim != 0 || !nSteps.DType.IsDiscrete() || nSteps.DType == DType.Bool)
        {
            throw new ArgumentException($"{this}: n_steps must be an integer scalar; got {nSteps.Type}");
        }
        for (int j = 0; j < NSeqs; j++)
        {
            Expect(inputs[1 + j], _innerInputs[j].Type, extraAxis: true, $"sequence {j}");
        }
        for (int k = 0; k < NRec; k++)
        {
            var init = inputs[OuterInit(k)];
            Expect(init, StateType(k), extraAxis: true, $"initial value of recurrent output {k}");
            if (init.Type.Shape[0] is long rows && rows != Window(k))
            {
                throw new ArgumentException(
                    $"{this}: the initial value of recurrent output {k} has {rows} rows; its taps " +
                    $"[{string.Join(", ", _taps[k])}] need {Window(k)}");
            }
        }
        for (int q = 0; q < NNonSeqs; q++)
        {
            Expect(inputs[OuterNonSeq(q)], _innerInputs[InnerNonSeqStart + q].Type, extraAxis: false,
                $"non-sequence {q}");
        }
        long? steps = AsWhile ? null : StructureSupport.StaticInt(nSteps);
        var types = new List<TensorType>();
        for (int k = 0; k < NRec; k++)
        {
            var state = StateType(k);
            types.Add(_lastOnly[k] ? state
                : _checkpointsOnly[k] ? new TensorType(state.DType,
                    [steps is long s ? ScanCheckpoints.Entries(s, Checkpoint) : null, Window(k), .. state.Shape])
                : new TensorType(state.DType, [steps + Window(k), .. state.Shape]));
        }
        for (int m = 0; m < NNitSot; m++)
        {
            var step = _innerOutputs[NRec + m].Type;
            types.Add(_lastOnly[NRec + m] ? step : new TensorType(step.DType, [steps, .. step.Shape]));
        }
        return new Apply(this, inputs, types);
    }

    /// <summary>
    /// Which outputs depend differentiably on which inputs, through the inner graph's connection patterns and the
    /// recurrences (a recurrent output depends on its initial value and on whatever its taps lead to). <c>n_steps</c>
    /// is disconnected.
    /// </summary>
    public override bool[][] ConnectionPattern(Apply node) => _connection.Value.Select(r => r.ToArray()).ToArray();

    /// <summary>The outputs are buffers the loop allocates (or values its inner function computed afresh).</summary>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string> { Name ?? "scan_fn" };
        if (Reverse)
        {
            parts.Add("reverse");
        }
        if (AsWhile)
        {
            parts.Add("while");
        }
        if (Checkpoint > 0)
        {
            parts.Add($"checkpoint={Checkpoint}");
        }
        if (_lastOnly.Any(l => l))
        {
            parts.Add("last=[" + string.Join(",", Enumerable.Range(0, NOuts).Where(i => _lastOnly[i])) + "]");
        }
        if (_checkpointsOnly.Any(c => c))
        {
            parts.Add("checkpoints=[" + string.Join(",", Enumerable.Range(0, NOuts).Where(i => _checkpointsOnly[i])) + "]");
        }
        return $"Scan{{{string.Join(", ", parts)}}}";
    }

    /// <summary>This loop with another inner graph of the same layout, possibly with more non-sequences (a rewrite's tool).</summary>
    internal Scan With(IReadOnlyList<Variable> innerInputs, IReadOnlyList<Variable> innerOutputs) =>
        new(innerInputs, innerOutputs, NSeqs, _taps, NNitSot, Reverse, AsWhile, TruncateGradient, _lastOnly, Name,
            Checkpoint, _checkpointsOnly);

    /// <summary>This loop's kind (direction, condition, truncation, checkpoints, name) over another inner graph and layout.</summary>
    internal Scan With(IReadOnlyList<Variable> innerInputs, IReadOnlyList<Variable> innerOutputs, int nSeqs,
        IReadOnlyList<IReadOnlyList<int>> taps, int nNitSot, IReadOnlyList<bool> lastOnly,
        IReadOnlyList<bool>? checkpointsOnly = null) =>
        new(innerInputs, innerOutputs, nSeqs, taps, nNitSot, Reverse, AsWhile, TruncateGradient, lastOnly, Name,
            Checkpoint, checkpointsOnly);

    private object InnerDocument()
    {
        if (_innerJson.Value is { } json)
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        return $"the inner graph of {this} cannot be written: {_jsonError}";
    }

    private static LoadedGraph ReadInner(JsonElement inner)
    {
        if (inner.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException(inner.ValueKind == JsonValueKind.String
                ? inner.GetString()
                : $"Scan: the inner graph must be a graph document (an object); got {inner.ValueKind}");
        }
        return GraphJson.Read(inner.GetRawText());
    }

    private void Expect(Variable outer, TensorType inner, bool extraAxis, string what)
    {
        int ndim = inner.Ndim + (extraAxis ? 1 : 0);
        if (outer.DType != inner.DType || outer.Ndim != ndim)
        {
            throw new ArgumentException(
                $"{this}: {what} must be {inner.DType.Name()} with {ndim} dimension(s)" +
                (extraAxis ? " (one more than a step's)" : "") + $"; got {outer.Type}");
        }
        int offset = extraAxis ? 1 : 0;
        for (int a = 0; a < inner.Ndim; a++)
        {
            if (outer.Type.Shape[a + offset] is long have && inner.Shape[a] is long want && have != want)
            {
                throw new ArgumentException(
                    $"{this}: {what} has shape {TensorType.Show(outer.Type.Shape)}, which does not fit a step's " +
                    $"{TensorType.Show(inner.Shape)}");
            }
        }
    }

    private void Validate()
    {
        string label = $"Scan {Name ?? ""}".TrimEnd();
        if (NSeqs < 0 || NNitSot < 0 || NNonSeqs < 0)
        {
            throw new ArgumentException($"{label}: {_innerInputs.Length} inner inputs do not fit {NSeqs} sequence(s) " +
                                        $"and taps [{string.Join("; ", _taps.Select(t => string.Join(",", t)))}]");
        }
        if (_innerOutputs.Length != NRec + NNitSot + (AsWhile ? 1 : 0))
        {
            throw new ArgumentException($"{label}: expected {NRec + NNitSot + (AsWhile ? 1 : 0)} inner outputs; " +
                                        $"got {_innerOutputs.Length}");
        }
        if (_lastOnly.Length != NRec + NNitSot)
        {
            throw new ArgumentException($"{label}: last_only needs one entry per output ({NRec + NNitSot})");
        }
        if (Reverse && AsWhile)
        {
            throw new ArgumentException($"{label}: a while loop cannot run in reverse");
        }
        if (TruncateGradient < -1)
        {
            throw new ArgumentException($"{label}: truncate_gradient must be -1 or a number of steps >= 0");
        }
        if (Checkpoint < 0)
        {
            throw new ArgumentException($"{label}: checkpoint must be 0 (none) or a number of steps >= 1; got {Checkpoint}");
        }
        if (Checkpoint > 0 && Reverse)
        {
            throw new ArgumentException($"{label}: a reverse loop cannot be checkpointed");
        }
        if (_checkpointsOnly.Length != NRec + NNitSot)
        {
            throw new ArgumentException($"{label}: checkpoints_only needs one entry per output ({NRec + NNitSot})");
        }
        for (int o = 0; o < _checkpointsOnly.Length; o++)
        {
            if (_checkpointsOnly[o] && (Checkpoint == 0 || o >= NRec || _lastOnly[o]))
            {
                throw new ArgumentException(
                    $"{label}: only a recurrent output of a checkpointed loop, not kept at its last step, can keep its " +
                    $"checkpoints only (output {o})");
            }
        }
        for (int k = 0; k < NRec; k++)
        {
            if (_taps[k].Length == 0 || _taps[k].Any(t => t >= 0) || _taps[k].Distinct().Count() != _taps[k].Length)
            {
                throw new ArgumentException(
                    $"{label}: the taps of recurrent output {k} must be distinct negative integers; got " +
                    $"[{string.Join(", ", _taps[k])}]");
            }
        }
        var inputSet = new HashSet<Variable>();
        foreach (var v in _innerInputs)
        {
            if (v is null || v.Owner is not null || v is Constant or SharedVariable || !inputSet.Add(v))
            {
                throw new ArgumentException($"{label}: inner inputs must be distinct free variables; got {v}");
            }
        }
        foreach (var root in GraphOrder.GraphInputs(_innerOutputs, inputSet))
        {
            if (!inputSet.Contains(root) && root is not Constant)
            {
                throw new MissingInputException(
                    $"{label}: the inner graph reads {root} ({root.Type}), which is neither an inner input nor a " +
                    "constant; pass it to scan as a non-sequence");
            }
        }
        for (int k = 0; k < NRec; k++)
        {
            var state = StateType(k);
            for (int i = 1; i < _taps[k].Length; i++)
            {
                if (!_innerInputs[TapStart(k) + i].Type.Equals(state))
                {
                    throw new ArgumentException($"{label}: the tap inputs of recurrent output {k} must share one type");
                }
            }
            var output = _innerOutputs[k];
            if (output.DType != state.DType)
            {
                throw new InvalidCastException(
                    $"{label}: the initial state (outputs_info) of recurrent output {k} has dtype " +
                    $"{state.DType.Name()}, while the result of the inner function (fn) has dtype " +
                    $"{output.DType.Name()}. This can happen if the inner function of scan results in an upcast or " +
                    "downcast; cast one of them.");
            }
            if (output.Ndim != state.Ndim)
            {
                throw new InvalidCastException(
                    $"{label}: the initial state (outputs_info) of recurrent output {k} has {state.Ndim} " +
                    $"dimension(s) per step, while the result of the inner function (fn) has {output.Ndim}");
            }
            for (int a = 0; a < state.Ndim; a++)
            {
                if (state.Shape[a] is long s && output.Type.Shape[a] is long o && s != o)
                {
                    throw new ArgumentException(
                        $"{label}: recurrent output {k} has shape {TensorType.Show(output.Type.Shape)} per step, " +
                        $"but its initial state has {TensorType.Show(state.Shape)}");
                }
            }
        }
        if (AsWhile && _innerOutputs[^1].Ndim != 0)
        {
            throw new ArgumentException($"{label}: the until condition must be a scalar; got {_innerOutputs[^1].Type}");
        }
    }

    /// <summary>[outer input][output] connection, computed once per op from the inner graph.</summary>
    private bool[][] ComputeConnection()
    {
        // Inner: which inner inputs each inner variable depends on, through each node's connection pattern.
        var deps = new Dictionary<Variable, HashSet<int>>();
        for (int i = 0; i < _innerInputs.Length; i++)
        {
            deps[_innerInputs[i]] = [i];
        }
        var inputSet = _innerInputs.ToHashSet();
        foreach (var node in GraphOrder.Toposort(_innerOutputs, inputSet))
        {
            var pattern = node.Op.ConnectionPattern(node);
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                var set = new HashSet<int>();
                for (int i = 0; i < node.Inputs.Count; i++)
                {
                    if (pattern[i][o] && deps.TryGetValue(node.Inputs[i], out var d))
                    {
                        set.UnionWith(d);
                    }
                }
                deps[node.Outputs[o]] = set;
            }
        }
        HashSet<int> Direct(int output) => deps.TryGetValue(_innerOutputs[output], out var d) ? d : [];
        int outerInputs = 1 + NSeqs + NRec + NNonSeqs;
        int OwnerRec(int innerInput)
        {
            for (int k = 0; k < NRec; k++)
            {
                if (innerInput >= TapStart(k) && innerInput < TapStart(k) + _taps[k].Length)
                {
                    return k;
                }
            }
            return -1;
        }
        int OuterOf(int innerInput) => innerInput < NSeqs ? 1 + innerInput
            : innerInput >= InnerNonSeqStart ? OuterNonSeq(innerInput - InnerNonSeqStart) : -1;
        var rec = Enumerable.Range(0, NRec).Select(k => new HashSet<int> { OuterInit(k) }).ToArray();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = 0; k < NRec; k++)
            {
                int before = rec[k].Count;
                foreach (int i in Direct(k))
                {
                    if (OuterOf(i) is >= 0 and var outer)
                    {
                        rec[k].Add(outer);
                    }
                    else if (OwnerRec(i) is >= 0 and var other)
                    {
                        rec[k].UnionWith(rec[other]);
                    }
                }
                changed |= rec[k].Count != before;
            }
        }
        var outputs = new List<HashSet<int>>(rec);
        for (int m = 0; m < NNitSot; m++)
        {
            var set = new HashSet<int>();
            foreach (int i in Direct(NRec + m))
            {
                if (OuterOf(i) is >= 0 and var outer)
                {
                    set.Add(outer);
                }
                else if (OwnerRec(i) is >= 0 and var other)
                {
                    set.UnionWith(rec[other]);
                }
            }
            outputs.Add(set);
        }
        return Enumerable.Range(0, outerInputs).Select(i => outputs.Select(s => s.Contains(i)).ToArray()).ToArray();
    }
}
