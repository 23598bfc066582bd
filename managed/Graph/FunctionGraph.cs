using System.Diagnostics.CodeAnalysis;

namespace Gradient.Graph;

/// <summary>
/// A private copy of the graph between some inputs and outputs that rewrites may change in place (Aesara's
/// <c>FunctionGraph</c>). Cloning keeps the user's graph untouched: inputs, shared variables and constants are the
/// user's own objects, every node and intermediate variable is new.
/// </summary>
public sealed class FunctionGraph
{
    private readonly List<Variable> _outputs;
    private readonly HashSet<Variable> _inputSet;
    // The topological order, kept until the graph changes: compiling asks for it several times (checks, rewrites,
    // schedule), and on a graph of a few hundred thousand nodes each sort costs tens of milliseconds.
    private List<Apply>? _order;
    // The node count of the last order, to size the next sort's tables.
    private int _lastCount;
    // The last order a change made stale, emptied between passes (see ReleaseStaleOrder).
    private List<Apply>? _stale;

    private FunctionGraph(IReadOnlyList<Variable> inputs, List<Variable> outputs)
    {
        Inputs = inputs.ToArray();
        _inputSet = new HashSet<Variable>(Inputs);
        _outputs = outputs;
    }

    /// <summary>The explicit inputs.</summary>
    public IReadOnlyList<Variable> Inputs { get; }

    /// <summary>The outputs (rewrites may replace them).</summary>
    public IReadOnlyList<Variable> Outputs => _outputs;

    /// <summary>
    /// Clones the graph of <paramref name="outputs"/>, replacing each key of <paramref name="givens"/> by its value
    /// (Aesara's <c>givens</c>), and stopping at <paramref name="inputs"/>.
    /// </summary>
    public static FunctionGraph Clone(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs,
        IReadOnlyDictionary<Variable, Variable>? givens = null) => Clone(inputs, outputs, givens, shareConstantNodes: false);

    /// <summary>
    /// <see cref="Clone(IReadOnlyList{Variable}, IReadOnlyList{Variable}, IReadOnlyDictionary{Variable, Variable}?)"/>;
    /// with <paramref name="shareConstantNodes"/>, nodes computed from constants alone by the same deterministic op are
    /// copied once (the merge pass would make them one anyway): a graph built with scalars pads each use of each
    /// number (<c>DimShuffle{x}(0.5)</c>), a tenth to a third of a large gradient graph, which then need not be
    /// copied, indexed and merged one by one.
    /// </summary>
    internal static FunctionGraph Clone(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs,
        IReadOnlyDictionary<Variable, Variable>? givens, bool shareConstantNodes)
    {
        var sharing = shareConstantNodes ? new ConstantNodes() : null;
        var memo = new Memo();
        foreach (var v in inputs)
        {
            memo.Set(v, v);
        }
        Variable Map(Variable v) => memo.TryGet(v, out var c) ? c : v;
        // The copies in the order they were made: without givens, exactly the order a sort of the clone gives.
        var copies = new List<Apply>(64);
        // A depth-first walk that copies each node once its inputs are copied (the order GraphOrder.Toposort gives):
        // the memo says what is done, so no sort and no separate set of visited nodes are built first.
        var stack = new Stack<(Apply Node, int Next)>();
        void CloneAll(IEnumerable<Variable> targets, HashSet<Variable> stop)
        {
            void Push(Variable v)
            {
                if (v.Owner is { } owner && !memo.Contains(v) && !stop.Contains(v))
                {
                    stack.Push((owner, 0));
                }
            }
            foreach (var target in targets)
            {
                Push(target);
                while (stack.Count > 0)
                {
                    var (node, next) = stack.Pop();
                    if (next < node.Inputs.Count)
                    {
                        stack.Push((node, next + 1));
                        Push(node.Inputs[next]);
                        continue;
                    }
                    var outputs = node.Outputs;
                    bool cloned = true;
                    for (int i = 0; i < outputs.Count && cloned; i++)
                    {
                        cloned = memo.Contains(outputs[i]);
                    }
                    if (cloned)
                    {
                        continue;
                    }
                    var ins = new Variable[node.Inputs.Count];
                    for (int i = 0; i < ins.Length; i++)
                    {
                        ins[i] = Map(node.Inputs[i]);
                    }
                    if (sharing?.Known(node, ins) is { } twin)
                    {
                        for (int i = 0; i < outputs.Count; i++)
                        {
                            memo.Add(outputs[i], twin.Outputs[i]);
                        }
                        continue;
                    }
                    var copy = new Apply(node, ins);
                    sharing?.Add(node, ins, copy);
                    for (int i = 0; i < outputs.Count; i++)
                    {
                        memo.Add(outputs[i], copy.Outputs[i]);
                    }
                    LargeStores.Add(ref copies, copy);
                }
            }
        }
        var stopAt = new HashSet<Variable>(inputs);
        if (givens is { Count: > 0 })
        {
            // Replacements first (they may depend on inputs but not on what they replace), then the rest of the graph
            // with the replaced variables cut off.
            CloneAll(givens.Values, stopAt);
            foreach (var (key, value) in givens)
            {
                memo.Set(key, Map(value));
                stopAt.Add(key);
            }
        }
        CloneAll(outputs, stopAt);
        var graph = new FunctionGraph(inputs, outputs.Select(Map).ToList());
        memo.Clear();
        if (givens is not { Count: > 0 })
        {
            graph._order = copies;
            graph._lastCount = copies.Count;
        }
        return graph;
    }

    /// <summary>The nodes in an order where each follows the nodes computing its inputs (a new list each call).</summary>
    public List<Apply> Toposort() => [.. Order()];

    /// <summary>
    /// The same order as <see cref="Toposort"/>, without the copy: the graph's own cached list, which callers must only
    /// read (a change to the graph makes a new list, and leaves this one as it was until the rewrite pass that made
    /// the change is over: see <see cref="ReleaseStaleOrder"/>). On graphs of a few hundred thousand nodes each copy is
    /// a large-object array, and those drive full collections.
    /// </summary>
    internal List<Apply> Nodes => Order();

    private List<Apply> Order()
    {
        if (_order is null)
        {
            _order = GraphOrder.ToposortOwned(_outputs, _inputSet, _lastCount + _lastCount / 8);
            _lastCount = _order.Count;
        }
        return _order;
    }

    private void Invalidate()
    {
        if (_order is not null)
        {
            _stale = _order;
            _order = null;
        }
    }

    /// <summary>
    /// Empties the order the last change made stale, for rewrite drivers once a pass is over (a pass may still be
    /// reading it until then). On a large graph the order is a large-object array, which only a full collection
    /// frees: dropped full, it would keep every node it names alive, those the pass removed included, through the
    /// cheap collections, which then copy them into the old generation.
    /// </summary>
    internal void ReleaseStaleOrder()
    {
        _stale?.Clear();
        _stale = null;
    }

    /// <summary>Whether <paramref name="v"/> is one of the explicit inputs.</summary>
    public bool IsInput(Variable v) => _inputSet.Contains(v);

    /// <summary>Who reads each variable: (node, input index) pairs, and -1-based output positions as (null, i).</summary>
    public Dictionary<Variable, List<(Apply? Node, int Index)>> Clients()
    {
        var clients = new Dictionary<Variable, List<(Apply?, int)>>(_lastCount + _lastCount / 4);
        foreach (var node in Order())
        {
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                Add(node.Inputs[i], (node, i));
            }
        }
        for (int i = 0; i < _outputs.Count; i++)
        {
            Add(_outputs[i], (null, i));
        }
        return clients;

        void Add(Variable v, (Apply?, int) client)
        {
            if (!clients.TryGetValue(v, out var list))
            {
                clients[v] = list = [];
            }
            list.Add(client);
        }
    }

    /// <summary>
    /// Makes every reader of each key of <paramref name="replacements"/> read its value instead, in one pass over the
    /// graph (for a rewrite that decides many replacements without a client index). Values must not be keys, each must
    /// have its key's type, and nodes made for the replacements must read replacements already (they are not visited).
    /// </summary>
    internal void ReplaceAll(IReadOnlyDictionary<Variable, Variable> replacements)
    {
        if (replacements.Count == 0)
        {
            return;
        }
        foreach (var (old, replacement) in replacements)
        {
            CheckSameType(old, replacement);
        }
        foreach (var node in Order())
        {
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (replacements.TryGetValue(node.Inputs[i], out var replacement))
                {
                    node.SetInput(i, replacement);
                }
            }
        }
        for (int i = 0; i < _outputs.Count; i++)
        {
            if (replacements.TryGetValue(_outputs[i], out var replacement))
            {
                _outputs[i] = replacement;
            }
        }
        Invalidate();
    }

    /// <summary>Refuses a replacement of another type: a rewrite must not change what the graph computes, nor its types.</summary>
    internal static void CheckSameType(Variable old, Variable replacement)
    {
        if (!old.Type.Equals(replacement.Type))
        {
            throw new InvalidOperationException(
                $"rewrite: cannot replace {old} ({old.Type}) by {replacement} ({replacement.Type}): types differ");
        }
    }

    /// <summary>
    /// Makes input <paramref name="index"/> of <paramref name="node"/> (output <paramref name="index"/> of the graph when
    /// <paramref name="node"/> is null) read <paramref name="replacement"/>: for rewrite drivers that keep their own client
    /// index (see <see cref="Replace"/>).
    /// </summary>
    internal void Rewire(Apply? node, int index, Variable replacement)
    {
        Invalidate();
        if (node is null)
        {
            _outputs[index] = replacement;
        }
        else
        {
            node.SetInput(index, replacement);
        }
    }

    /// <summary>
    /// Makes every reader of <paramref name="old"/> read <paramref name="replacement"/> instead. The replacement must
    /// have the same type (a rewrite must not change what the graph computes, nor its types).
    /// </summary>
    public void Replace(Variable old, Variable replacement, Dictionary<Variable, List<(Apply? Node, int Index)>>? clients = null)
    {
        if (ReferenceEquals(old, replacement))
        {
            return;
        }
        CheckSameType(old, replacement);
        clients ??= Clients();
        if (!clients.TryGetValue(old, out var readers))
        {
            return;
        }
        Invalidate();
        foreach (var (node, index) in readers)
        {
            Rewire(node, index, replacement);
        }
        if (!clients.TryGetValue(replacement, out var list))
        {
            clients[replacement] = list = [];
        }
        list.AddRange(readers);
        clients.Remove(old);
    }

    /// <summary>
    /// A clone's map from each original variable to its copy, keyed by <see cref="Variable.Id"/> (growing needs no
    /// visit to the variables). It grows by hand, into a table twice the size, emptying the old one, for the reason
    /// <see cref="LargeStores"/> gives (a dictionary's own growth drops its outgrown arrays full). Emptied when the
    /// clone is done.
    /// </summary>
    private sealed class Memo
    {
        private Dictionary<long, Variable> _map = new(64);
        private int _capacity = 64;

        public bool Contains(Variable v) => _map.ContainsKey(v.Id);

        public bool TryGet(Variable v, [MaybeNullWhen(false)] out Variable copy) => _map.TryGetValue(v.Id, out copy);

        /// <summary>Maps <paramref name="v"/> to <paramref name="copy"/> unless it is mapped already.</summary>
        public void Add(Variable v, Variable copy)
        {
            Reserve();
            _map.TryAdd(v.Id, copy);
        }

        public void Set(Variable v, Variable copy)
        {
            Reserve();
            _map[v.Id] = copy;
        }

        public void Clear() => _map.Clear();

        private void Reserve()
        {
            if (_map.Count < _capacity)
            {
                return;
            }
            var larger = new Dictionary<long, Variable>(2 * _capacity);
            foreach (var (id, copy) in _map)
            {
                larger.Add(id, copy);
            }
            _map.Clear();
            _map = larger;
            _capacity = 2 * _capacity;
        }
    }

    /// <summary>
    /// The copies of nodes whose inputs are constants or outputs of such copies, by op (by value) and inputs: constants
    /// by their value's tensor (scalar constants share one per number and dtype), weakness and type, the rest by
    /// reference.
    /// </summary>
    private sealed class ConstantNodes
    {
        private readonly Dictionary<Key, Apply> _copies = [];
        // Variables hash by their Id; the object-header hash a reference comparer takes is set on first use, and at one
        // question per input of every node copied it cost more than the copying.
        private readonly HashSet<Variable> _outputs = [];

        public Apply? Known(Apply node, Variable[] inputs) =>
            KeyOf(node, inputs) is { } key && _copies.TryGetValue(key, out var copy) ? copy : null;

        public void Add(Apply node, Variable[] inputs, Apply copy)
        {
            if (KeyOf(node, inputs) is { } key)
            {
                _copies[key] = copy;
                foreach (var output in copy.Outputs)
                {
                    _outputs.Add(output);
                }
            }
        }

        private Key? KeyOf(Apply node, Variable[] inputs)
        {
            if (inputs.Length is 0 or > 2 || !node.Op.IsDeterministic)
            {
                return null;
            }
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is not Constant && !_outputs.Contains(inputs[i]))
                {
                    return null;
                }
            }
            return new Key(node.Op, Part.Of(inputs[0]), inputs.Length > 1 ? Part.Of(inputs[1]) : default);
        }

        /// <summary>One input: a constant's tensor, weakness and type, or another variable itself.</summary>
        private readonly record struct Part(object? Identity, bool Weak, TensorType? Type)
        {
            public static Part Of(Variable v) => v is Constant c ? new(c.Value, c.IsWeak, c.Type) : new(v, false, null);

            public bool Equals(Part other) =>
                ReferenceEquals(Identity, other.Identity) && Weak == other.Weak && Equals(Type, other.Type);

            public override int GetHashCode() =>
                Identity switch
                {
                    null => 0,
                    Variable v => v.GetHashCode(),
                    _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Identity),
                };
        }

        private readonly record struct Key(Op Op, Part First, Part Second);
    }
}
