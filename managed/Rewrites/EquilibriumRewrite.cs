using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gradient.Graph;

namespace Gradient.Rewrites;

/// <summary>
/// Applies node rewrites and merging everywhere until nothing changes (Aesara's <c>EquilibriumGraphRewriter</c>),
/// driven by a work list so that the cost grows with the size of the graph and the number of changes, not with
/// their product.
/// </summary>
/// <remarks>
/// Every node starts on the list, in topological order. A node taken from the list is first merged with an earlier
/// identical node (equal op, same inputs) if there is one, otherwise offered to each rule in turn. When a rule
/// replaces an output, the replacement's new nodes join the graph and the list, the readers of the output are
/// rewired and go back on the list (their inputs changed, so new patterns or merges may appear) with a bounded number
/// of the element-wise nodes above them (whose patterns may reach down to the change), and nodes nothing
/// reads any more are dropped. Equal constants (same dtype, shape, values and weakness) are merged too. The driver
/// keeps its own client index up to date through <see cref="FunctionGraph.Replace"/>, so no step rescans the graph.
/// </remarks>
/// <param name="name">The pass's name.</param>
/// <param name="rules">The node rewrites, tried in this order.</param>
/// <param name="merge">Merge identical nodes and equal constants.</param>
public sealed class EquilibriumRewrite(string name, IReadOnlyList<ILocalRewrite> rules, bool merge = true) : IGraphRewrite
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <summary>The node rewrites, in the order they are tried.</summary>
    public IReadOnlyList<ILocalRewrite> Rules => _rules;

    // An array, so that trying the rules on a node allocates no enumerator.
    private readonly ILocalRewrite[] _rules = rules.ToArray();

    /// <summary>Whether identical nodes and equal constants are merged.</summary>
    public bool Merge { get; } = merge;

    /// <inheritdoc/>
    public bool Apply(FunctionGraph graph)
    {
        var run = new Run(graph, this);
        try
        {
            return run.Execute();
        }
        finally
        {
            run.Release();
            graph.ReleaseStaleOrder();
        }
    }

    /// <summary>How many element-wise nodes above a rewired node are offered to the rules again (see <c>Swap</c>).</summary>
    private const int RequeueAbove = 32;

    private static int s_runs;

    /// <summary>The state of one application to one graph.</summary>
    private sealed class Run
    {
        private readonly FunctionGraph _graph;
        private readonly EquilibriumRewrite _pass;
        private readonly HashSet<Variable> _inputs;
        // The client index: each variable's readers as a chain of entries in one shared array, in the order they
        // were added (a list object per variable would double the objects the collector traces on large graphs).
        // Chains keep the entries of dropped nodes (removing them one by one from a constant read by thousands of
        // nodes would be quadratic); Live counts the live readers, graph outputs included.
        private readonly Dictionary<Variable, Readers> _clients;
        private ClientEntry[] _entries;
        private int _entryCount;
        // The constants the graph reads, in the order first read (noted while the index is built, when each variable
        // is at hand: a second walk over every key just to find them costs a cache miss per key).
        private readonly List<Constant> _constantsRead = [];
        // Which nodes are alive and which are on the list: marks on the nodes themselves, equal to this run's stamp
        // (the nodes belong to the graph this run rewrites, and sets of a few hundred thousand nodes cost a hash
        // lookup, a cache miss, per question).
        private readonly int _stamp = Interlocked.Increment(ref s_runs);
        private readonly Queue<Apply> _queue;
        // Op and inputs (as they were when recorded) → the node that computed them (whose outputs never change). Entries stay valid:
        // replacements keep values, and _forward says where each replaced variable went.
        private readonly Dictionary<NodeKey, Apply> _nodes;
        private readonly Dictionary<Variable, Variable> _forward;
        private readonly ConstantTable _constants = new();
        // Work lists reused by every step (steps run by the hundred thousand on large graphs).
        private readonly List<Apply> _fresh = [];
        private readonly HashSet<Apply> _seen = [];
        private readonly Stack<Variable> _variables = new();
        private readonly Stack<Apply> _nodeStack = new();
        private readonly Queue<Apply> _frontier = new();
        private readonly List<Variable> _news = [];
        private readonly List<(Variable Old, Variable New)> _pairs = [];
        private readonly int _nodeCount;
        private bool _constantsListed;
        private bool _changed;
        // Set while every live node is on the list (see Execute), when requeueing would change nothing.
        private bool _allQueued;

        public Run(FunctionGraph graph, EquilibriumRewrite pass)
        {
            _graph = graph;
            _pass = pass;
            _inputs = [.. graph.Inputs];
            var order = graph.Nodes;
            // Every table sized for the graph up front: growing tables of a few hundred thousand entries step by step
            // leaves large garbage arrays behind, which cost full collections.
            foreach (var node in order)
            {
                node.AliveIn = _stamp;
            }
            _nodeCount = order.Count;
            _queue = new Queue<Apply>(2 * order.Count);
            _nodes = new Dictionary<NodeKey, Apply>(order.Count);
            // Each replacement is remembered: on gradient graphs about one per node in three (growing the table step
            // by step would leave large arrays behind).
            _forward = new Dictionary<Variable, Variable>(order.Count / 2);
            // The same index as graph.Clients(), without a second topological sort.
            _clients = new Dictionary<Variable, Readers>(order.Count + order.Count / 4);
            _entries = new ClientEntry[2 * order.Count + graph.Outputs.Count + 16];
            foreach (var node in order)
            {
                for (int j = 0; j < node.Inputs.Count; j++)
                {
                    AddClient(node.Inputs[j], node, j);
                }
            }
            for (int i = 0; i < graph.Outputs.Count; i++)
            {
                AddClient(graph.Outputs[i], null, i);
            }
            _constantsListed = true;
            // The first sweep, in topological order; its nodes are marked fresh until taken off the list.
            foreach (var node in order)
            {
                node.QueuedIn = -_stamp;
                _queue.Enqueue(node);
            }
        }

        public bool Execute()
        {
            if (_pass.Merge)
            {
                // Every node is on the list still, so the swaps need not requeue anything.
                _allQueued = true;
                foreach (var c in _constantsRead)
                {
                    var canonical = _constants.Canonical(c);
                    if (!ReferenceEquals(canonical, c))
                    {
                        Swap(c, canonical);
                    }
                }
                _allQueued = false;
            }
            // A rule set that keeps undoing itself would never settle: stop after a generous number of changes.
            long budget = 16L * _nodeCount + 10_000;
            while (_queue.Count > 0 && budget > 0)
            {
                var node = _queue.Dequeue();
                node.QueuedIn = 0;
                if (!IsAlive(node))
                {
                    continue;
                }
                if (_pass.Merge && MergeWithTwin(node))
                {
                    budget--;
                    continue;
                }
                foreach (var rule in _pass._rules)
                {
                    if (rule.Transform(node) is { } replacements && Commit(node, replacements))
                    {
                        budget--;
                        break;
                    }
                }
            }
            return _changed;
        }

        /// <summary>
        /// Empties the tables. Those of a large graph live on the large object heap, which only a full collection
        /// frees: dead but full, they would keep every node they name (and all it reads) alive through the cheap
        /// collections until then.
        /// </summary>
        public void Release()
        {
            _nodes.Clear();
            _forward.Clear();
            _clients.Clear();
            Array.Clear(_entries, 0, _entryCount + 1);
            _queue.Clear();
        }

        /// <summary>
        /// Replaces the outputs of <paramref name="node"/> by those of an earlier node with the same op and inputs — or
        /// by whatever those outputs were since replaced with, so that a rewrite done once serves every copy.
        /// </summary>
        private bool MergeWithTwin(Apply node)
        {
            if (!node.Op.IsDeterministic)
            {
                return false;
            }
            var key = new NodeKey(node, node.Op.GetHashCode());
            if (_nodes.TryGetValue(key, out var twin))
            {
                var known = twin.Outputs;
                var targets = new Variable[known.Count];
                for (int i = 0; i < targets.Length; i++)
                {
                    targets[i] = Resolve(known[i]);
                }
                bool differs = false;
                for (int i = 0; i < targets.Length; i++)
                {
                    differs |= !ReferenceEquals(targets[i], node.Outputs[i]);
                }
                if (differs && Import(targets))
                {
                    for (int i = 0; i < targets.Length; i++)
                    {
                        Swap(node.Outputs[i], targets[i]);
                    }
                    return true;
                }
                if (!differs)
                {
                    return false;
                }
            }
            _nodes[key] = node;
            return false;
        }

        /// <summary>What <paramref name="v"/> was last replaced by (itself if never).</summary>
        private Variable Resolve(Variable v)
        {
            var target = v;
            while (_forward.TryGetValue(target, out var next))
            {
                target = next;
            }
            // Path compression keeps chains of replacements short.
            while (!ReferenceEquals(v, target) && _forward.TryGetValue(v, out var next))
            {
                _forward[v] = target;
                v = next;
            }
            return target;
        }

        /// <summary>Installs a rule's replacements if each keeps its output's type and can be computed.</summary>
        private bool Commit(Apply node, Variable?[] replacements)
        {
            if (replacements.Length != node.Outputs.Count)
            {
                throw new InvalidOperationException(
                    $"rewrite: a rule returned {replacements.Length} replacement(s) for {node}, which has " +
                    $"{node.Outputs.Count} output(s)");
            }
            var pairs = _pairs;
            pairs.Clear();
            for (int i = 0; i < replacements.Length; i++)
            {
                if (replacements[i] is not { } replacement || ReferenceEquals(replacement, node.Outputs[i]))
                {
                    continue;
                }
                if (!replacement.Type.Equals(node.Outputs[i].Type))
                {
                    return false;
                }
                if (replacement is Constant c && _pass.Merge)
                {
                    replacement = _constants.Canonical(c);
                }
                pairs.Add((node.Outputs[i], replacement));
            }
            _news.Clear();
            foreach (var (_, replacement) in pairs)
            {
                _news.Add(replacement);
            }
            if (pairs.Count == 0 || !Import(_news))
            {
                return false;
            }
            foreach (var (old, replacement) in pairs)
            {
                Swap(old, replacement);
            }
            return true;
        }

        /// <summary>
        /// Adds the nodes of <paramref name="roots"/> that are not in the graph yet (with their client entries) and
        /// queues them. Returns false, changing nothing, when they need a variable the function does not have.
        /// </summary>
        private bool Import(IReadOnlyList<Variable> roots)
        {
            var fresh = _fresh;
            var seen = _seen;
            var stack = _variables;
            fresh.Clear();
            ClearSeen();
            stack.Clear();
            // In the order given, as a stack built from them would hold them.
            for (int i = 0; i < roots.Count; i++)
            {
                stack.Push(roots[i]);
            }
            while (stack.Count > 0)
            {
                var v = stack.Pop();
                if (_inputs.Contains(v) || (v.Owner is { } known && IsAlive(known)))
                {
                    continue;
                }
                if (v.Owner is not { } owner)
                {
                    if (v is Constant or SharedVariable)
                    {
                        continue;
                    }
                    return false;
                }
                if (seen.Add(owner))
                {
                    fresh.Add(owner);
                    for (int j = 0; j < owner.Inputs.Count; j++)
                    {
                        // A node dropped earlier may read variables replaced since: read their replacements.
                        var input = Resolve(owner.Inputs[j]);
                        if (!ReferenceEquals(input, owner.Inputs[j]))
                        {
                            owner.SetInput(j, input);
                        }
                        stack.Push(input);
                    }
                }
            }
            foreach (var node in fresh)
            {
                node.AliveIn = _stamp;
                for (int j = 0; j < node.Inputs.Count; j++)
                {
                    var input = node.Inputs[j];
                    if (input is Constant c && _pass.Merge)
                    {
                        var canonical = _constants.Canonical(c);
                        if (!ReferenceEquals(canonical, c))
                        {
                            node.SetInput(j, input = canonical);
                        }
                    }
                    AddClient(input, node, j);
                }
                Enqueue(node);
            }
            return true;
        }

        /// <summary>Rewires every reader of <paramref name="old"/> to <paramref name="replacement"/> and requeues them.</summary>
        private void Swap(Variable old, Variable replacement)
        {
            FunctionGraph.CheckSameType(old, replacement);
            _forward[old] = replacement;
            _changed = true;
            if (_clients.Remove(old, out var readers))
            {
                for (int e = readers.Head; e != 0; e = Next(readers, e))
                {
                    var reader = _entries[e].Node;
                    _graph.Rewire(reader, _entries[e].Index, replacement);
                    if (!_allQueued && reader is not null)
                    {
                        Enqueue(reader);
                    }
                }
                // The old chain moves, as it is, to the end of the replacement's: it can still be walked below.
                ref var into = ref CollectionsMarshal.GetValueRefOrAddDefault(_clients, replacement, out bool exists);
                if (exists)
                {
                    _entries[into.Tail].Next = readers.Head;
                    into = new Readers(into.Head, readers.Tail, into.Live + readers.Live);
                }
                else
                {
                    into = readers;
                }
                if (!_allQueued)
                {
                    EnqueueElemwiseAbove(readers);
                }
            }
            if (old.Owner is { } owner)
            {
                Prune(owner);
            }
        }

        /// <summary>Drops <paramref name="start"/> and, transitively, the nodes that only it read from, once unread.</summary>
        private void Prune(Apply start)
        {
            var stack = _nodeStack;
            stack.Clear();
            stack.Push(start);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (!IsAlive(node) || IsRead(node))
                {
                    continue;
                }
                node.AliveIn = 0;
                for (int k = 0; k < node.Outputs.Count; k++)
                {
                    _clients.Remove(node.Outputs[k]);
                }
                for (int k = 0; k < node.Inputs.Count; k++)
                {
                    var input = node.Inputs[k];
                    ref var readers = ref CollectionsMarshal.GetValueRefOrNullRef(_clients, input);
                    if (!Unsafe.IsNullRef(ref readers) && readers.Live > 1)
                    {
                        readers = new Readers(readers.Head, readers.Tail, readers.Live - 1);
                        continue;
                    }
                    _clients.Remove(input);
                    if (input.Owner is { } owner && !_inputs.Contains(input))
                    {
                        stack.Push(owner);
                    }
                }
            }
        }

        /// <summary>
        /// Requeues, breadth first and up to <see cref="RequeueAbove"/> nodes, the element-wise nodes that read (through
        /// element-wise nodes) from the rewired <paramref name="readers"/>: their outputs keep their identity, but rules
        /// that read a product or a sum through several element-wise nodes (<see cref="Product"/>) now see another one.
        /// </summary>
        private void EnqueueElemwiseAbove(Readers readers)
        {
            var frontier = _frontier;
            var seen = _seen;
            frontier.Clear();
            ClearSeen();
            for (int e = readers.Head; e != 0; e = Next(readers, e))
            {
                if (_entries[e].Node is { Op: Ops.Elemwise } reader && !IsFresh(reader))
                {
                    frontier.Enqueue(reader);
                    seen.Add(reader);
                }
            }
            int left = RequeueAbove;
            while (frontier.Count > 0 && left > 0)
            {
                var node = frontier.Dequeue();
                for (int k = 0; k < node.Outputs.Count; k++)
                {
                    if (!_clients.TryGetValue(node.Outputs[k], out var clients))
                    {
                        continue;
                    }
                    for (int e = clients.Head; e != 0; e = Next(clients, e))
                    {
                        if (_entries[e].Node is { Op: Ops.Elemwise } client && IsAlive(client) && !IsFresh(client)
                            && seen.Add(client) && left-- > 0)
                        {
                            Enqueue(client);
                            frontier.Enqueue(client);
                        }
                    }
                }
            }
        }

        /// <summary>Whether something still reads an output of <paramref name="node"/>.</summary>
        private bool IsRead(Apply node)
        {
            for (int k = 0; k < node.Outputs.Count; k++)
            {
                if (_clients.TryGetValue(node.Outputs[k], out var readers) && readers.Live > 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Empties the reused set, giving it up when one large step grew it (clearing costs its capacity).</summary>
        private void ClearSeen()
        {
            bool large = _seen.Count > 1024;
            _seen.Clear();
            if (large)
            {
                _seen.TrimExcess();
            }
        }

        /// <summary>The entry after <paramref name="e"/> in the chain <paramref name="readers"/>; 0 after its last.</summary>
        // The chain's own end, not Next == 0: a chain moved onto another's end keeps its entries linked onward.
        private int Next(Readers readers, int e) => e == readers.Tail ? 0 : _entries[e].Next;

        /// <summary>Appends reader (<paramref name="node"/>, <paramref name="index"/>) to <paramref name="v"/>'s chain.</summary>
        private void AddClient(Variable v, Apply? node, int index)
        {
            if (_entryCount + 1 == _entries.Length)
            {
                LargeStores.Grow(ref _entries);
            }
            // Entry 0 is never used: 0 ends a chain.
            int at = ++_entryCount;
            _entries[at] = new ClientEntry(node, index);
            ref var readers = ref CollectionsMarshal.GetValueRefOrAddDefault(_clients, v, out bool exists);
            if (exists)
            {
                _entries[readers.Tail].Next = at;
                readers = new Readers(readers.Head, at, readers.Live + 1);
            }
            else
            {
                readers = new Readers(at, at, 1);
                if (v is Constant c && !_constantsListed)
                {
                    _constantsRead.Add(c);
                }
            }
        }

        private bool IsAlive(Apply node) => node.AliveIn == _stamp;

        /// <summary>
        /// Whether <paramref name="node"/> is still waiting for its first turn. The first sweep takes the nodes in
        /// topological order and rules build new nodes only below the node they rewrite, so every node that reads a
        /// fresh node, directly or through others, is fresh too: it will see whatever changed below when its turn
        /// comes, and requeueing above a change can stop there (on large graphs most changes happen in the first sweep,
        /// under nodes still waiting).
        /// </summary>
        private bool IsFresh(Apply node) => node.QueuedIn == -_stamp;

        private void Enqueue(Apply node)
        {
            if (node.QueuedIn != _stamp && node.QueuedIn != -_stamp)
            {
                node.QueuedIn = _stamp;
                _queue.Enqueue(node);
            }
        }
    }

    /// <summary>A reader of a variable: a node and the input it reads it as (null and the output index for a graph output).</summary>
    private struct ClientEntry(Apply? node, int index)
    {
        public readonly Apply? Node = node;
        public readonly int Index = index;
        /// <summary>The next entry of the same chain; 0 after the last.</summary>
        public int Next;
    }

    /// <summary>A variable's chain of readers (first and last entry) and how many of them are alive.</summary>
    private readonly record struct Readers(int Head, int Tail, int Live);

    /// <summary>
    /// A node's identity for merging: its op (by value) and its inputs (by reference), as they are now. Up to two
    /// inputs are kept in the key itself (nearly every node): no array per node recorded.
    /// </summary>
    private readonly struct NodeKey : IEquatable<NodeKey>
    {
        private readonly Op _op;
        private readonly Variable? _in0, _in1;
        private readonly Variable[]? _more;
        private readonly int _count;
        private readonly int _hash;

        public NodeKey(Apply node, int opHash)
        {
            _op = node.Op;
            var inputs = node.Inputs;
            _count = inputs.Count;
            if (_count > 2)
            {
                _more = new Variable[_count];
                for (int i = 0; i < _count; i++)
                {
                    _more[i] = inputs[i];
                }
            }
            else
            {
                _in0 = _count > 0 ? inputs[0] : null;
                _in1 = _count > 1 ? inputs[1] : null;
            }
            var hash = new HashCode();
            hash.Add(opHash);
            for (int i = 0; i < _count; i++)
            {
                hash.Add(inputs[i].Id);
            }
            _hash = hash.ToHashCode();
        }

        public bool Equals(NodeKey other)
        {
            if (_hash != other._hash || _count != other._count)
            {
                return false;
            }
            if (_more is not null)
            {
                for (int i = 0; i < _more.Length; i++)
                {
                    if (!ReferenceEquals(_more[i], other._more![i]))
                    {
                        return false;
                    }
                }
            }
            else if (!ReferenceEquals(_in0, other._in0) || !ReferenceEquals(_in1, other._in1))
            {
                return false;
            }
            return ReferenceEquals(_op, other._op) || _op.Equals(other._op);
        }

        public override bool Equals(object? obj) => obj is NodeKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
