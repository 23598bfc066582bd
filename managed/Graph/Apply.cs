namespace Gradient.Graph;

/// <summary>One application of an <see cref="Graph.Op"/> to input variables, producing output variables.</summary>
public sealed class Apply
{
    /// <summary>Creates the node and its outputs, one per type.</summary>
    public Apply(Op op, IReadOnlyList<Variable> inputs, IReadOnlyList<TensorType> outputTypes)
        : this(op, CopyOf(inputs), outputTypes, owned: true)
    {
    }

    /// <summary>
    /// Creates the node and its outputs, one per type. Arrays, as ops pass them (<c>[x]</c>), skip the read-only list
    /// wrappers a collection expression makes for list parameters; <paramref name="inputs"/> is still copied.
    /// </summary>
    public Apply(Op op, Variable[] inputs, TensorType[] outputTypes)
        : this(op, CopyOf(inputs), outputTypes, owned: true)
    {
    }

    // Into a Variable[] even from an array of a subtype (Constant[]), which SetInput could not write into.
    private static Variable[] CopyOf(IReadOnlyList<Variable> inputs)
    {
        var copy = new Variable[inputs.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = inputs[i];
        }
        return copy;
    }

    /// <summary>
    /// The node over <paramref name="inputs"/>, an array made for it that nothing else holds or changes: kept as it is
    /// (no copy). For ops' <c>MakeNode</c>.
    /// </summary>
    internal static Apply Adopt(Op op, Variable[] inputs, TensorType[] outputTypes) =>
        new(op, Owned(inputs), outputTypes, owned: true);

    /// <summary><see cref="Adopt(Op, Variable[], TensorType[])"/> for a node of one output (no array of types).</summary>
    internal static Apply Adopt(Op op, Variable[] inputs, TensorType outputType) => new(op, Owned(inputs), outputType);

    // The array itself when it is exactly a Variable[]: an array of a subtype (Constant[]) is copied, as SetInput
    // could not write another variable into it.
    private static Variable[] Owned(Variable[] inputs) => inputs.GetType() == typeof(Variable[]) ? inputs : CopyOf(inputs);

    private Apply(Op op, Variable[] inputs, TensorType outputType)
    {
        Op = op;
        _inputs = inputs;
        CheckInputs(op, inputs);
        _output = new Variable(outputType, this, 0);
    }

    /// <summary>The node over <paramref name="inputs"/>, an array made for it that it keeps (no copy).</summary>
    private Apply(Op op, Variable[] inputs, IReadOnlyList<TensorType> outputTypes, bool owned)
    {
        _ = owned;
        Op = op;
        _inputs = inputs;
        CheckInputs(op, inputs);
        if (outputTypes.Count == 1)
        {
            _output = new Variable(outputTypes[0], this, 0);
            return;
        }
        // A plain loop: nodes are made by the hundred thousand in large gradients, and LINQ's iterators add up.
        var outputs = new Variable[outputTypes.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new Variable(outputTypes[i], this, i);
        }
        _outputs = outputs;
    }

    private static void CheckInputs(Op op, Variable[] inputs)
    {
        foreach (var input in inputs)
        {
            switch (input)
            {
                case NullGradient n:
                    throw new NullTypeGradException(
                        $"{op}: cannot compute with an undefined gradient (NullType): {n.Why}");
                case DisconnectedGradient:
                    throw new ArgumentException(
                        $"{op}: cannot compute with a disconnected gradient placeholder (DisconnectedType); ask for " +
                        "zeros with return_disconnected='zero'");
            }
        }
    }

    /// <summary>
    /// A copy of <paramref name="original"/> reading <paramref name="inputs"/>, which it keeps (no copy): for cloning,
    /// where the original's inputs were checked when it was made.
    /// </summary>
    internal Apply(Apply original, Variable[] inputs)
    {
        Op = original.Op;
        _inputs = inputs;
        if (original._outputs is null)
        {
            _output = new Variable(original._output!.Type, this, 0, original._output.Name);
            return;
        }
        var outputs = new Variable[original._outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var from = original._outputs[i];
            outputs[i] = new Variable(from.Type, this, i, from.Name);
        }
        _outputs = outputs;
    }

    private static int s_nextHash;
    private readonly int _hash = Interlocked.Increment(ref s_nextHash);

    /// <summary>A hash fixed at construction (equality stays by reference): nodes live in many hash tables.</summary>
    public override int GetHashCode() => _hash;

    /// <summary>Reference equality.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>The operation.</summary>
    public Op Op { get; }

    private readonly Variable[] _inputs;

    /// <summary>Inputs, in the op's order.</summary>
    public IReadOnlyList<Variable> Inputs => _inputs;

    /// <summary>The inputs' own array, for engine code that only reads it (no copy per node).</summary>
    internal Variable[] InputArray => _inputs;

    // The output of a one-output node (most nodes), else null and every output in _outputs: no array per node for
    // the common case (a large gradient has hundreds of thousands of nodes, and each object costs the collector).
    private readonly Variable? _output;
    private readonly Variable[]? _outputs;

    /// <summary>Outputs, in the op's order.</summary>
    public OutputList Outputs => new(this);

    internal int OutputCount => _outputs?.Length ?? 1;

    internal Variable OutputAt(int index) =>
        (uint)index < (uint)OutputCount
            ? _outputs?[index] ?? _output!
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"{Op} has {OutputCount} output(s)");

    /// <summary>The single output of a one-output op.</summary>
    public Variable Output => _output
        ?? throw new InvalidOperationException($"{Op} has {OutputCount} outputs; pick one from Outputs");

    /// <summary>
    /// Rewires input <paramref name="index"/>. Only a <see cref="FunctionGraph"/> does this, on nodes it owns
    /// (its private clone of the user's graph), with a variable of the same type.
    /// </summary>
    internal void SetInput(int index, Variable value) => _inputs[index] = value;

    // Scratch marks of the passes over the function graph that owns this node (a node of a compiled graph belongs to
    // that graph alone, which one thread compiles): each pass marks with its own stamp, so old marks never match.
    // Kept on the node because a set of a few hundred thousand nodes costs a cache miss per question.
    internal int AliveIn;
    internal int QueuedIn;
    internal int SortedIn;

    /// <inheritdoc/>
    public override string ToString() => $"{Op}({string.Join(", ", Inputs)})";
}

/// <summary>
/// A node's outputs (<see cref="Apply.Outputs"/>): a read-only list over the node itself, which keeps a one-output
/// node's output without an array.
/// </summary>
public readonly struct OutputList : IReadOnlyList<Variable>
{
    private readonly Apply _node;

    internal OutputList(Apply node) => _node = node;

    /// <inheritdoc/>
    public int Count => _node.OutputCount;

    /// <inheritdoc/>
    public Variable this[int index] => _node.OutputAt(index);

    /// <summary>An enumerator that allocates nothing.</summary>
    public Enumerator GetEnumerator() => new(_node);

    IEnumerator<Variable> IEnumerable<Variable>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", this)}]";

    /// <summary>Enumerates a node's outputs in order.</summary>
    public struct Enumerator : IEnumerator<Variable>
    {
        private readonly Apply _node;
        private int _index;

        internal Enumerator(Apply node)
        {
            _node = node;
            _index = -1;
        }

        /// <inheritdoc/>
        public readonly Variable Current => _node.OutputAt(_index);

        readonly object System.Collections.IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => ++_index < _node.OutputCount;

        /// <inheritdoc/>
        public void Reset() => _index = -1;

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
