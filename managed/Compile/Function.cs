using System.Runtime.CompilerServices;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Rewrites;
using TorchSharp;

namespace Gradient.Compile;

/// <summary>
/// A compiled graph (Aesara's <c>aesara.function</c>): the graph is cloned, rewritten, and turned into a fixed schedule
/// run by a small VM. Each call runs in its own DisposeScope; intermediates are freed right after their last use and
/// only the outputs escape. Shared variables are read at the start of a call and updated after all outputs are
/// computed, all together.
/// </summary>
/// <remarks>
/// Every kernel runs on the function's <see cref="Device"/> (<see cref="CompileOptions.Device"/>, else
/// <see cref="Config.Device"/>): constants are moved there when the function is compiled, shared values when it is
/// compiled or when a call finds them elsewhere (then they stay), and arguments in each call. CPU and CUDA run the same
/// schedule through the same code; only where the tensors live differs.
/// <para><b>Thread safety.</b> A function may be called from any number of threads at once; each call has its own
/// values and scope, and gives exactly what the same call would give alone. Shared variables are read as one
/// consistent snapshot: a call never sees some of another call's updates and not the others.</para>
/// <para>A call that updates shared variables is atomic: it holds the locks of every shared variable it reads or
/// updates from its snapshot until its updates are stored, so concurrent calls (of this or any other function)
/// touching those variables run one after the other, as some serial order of the same calls would.
/// Calls without updates hold the locks only while they take their snapshot and otherwise run in parallel.
/// Locks are always taken in one global order (<see cref="Variable.Id"/>), so functions sharing variables cannot
/// deadlock. <see cref="SharedVariable.SetValue"/> and <see cref="SharedVariable.GetValue"/> take the same lock and
/// therefore land between calls, never inside one.</para>
/// </remarks>
public sealed class Function
{
    private readonly Variable[] _inputs;
    private readonly Step[] _steps;
    // Each step's input slots then output slots, and the slots it frees: a stretch of each of these two arrays.
    private readonly int[] _slots;
    private readonly int[] _frees;
    private readonly int _slotCount;
    private readonly int _maxArity;
    private readonly (int Slot, torch.Tensor Value)[] _constants;
    private readonly (int Slot, SharedVariable Shared)[] _shared;
    private readonly int[] _outputSlots;
    private readonly bool[] _outputOwned;
    private readonly (SharedVariable Target, int Slot, bool Owned)[] _updates;
    private readonly SharedVariable[] _lockOrder;
    private readonly bool _allowDowncast;
    private readonly string _label;
    private readonly torch.Device _device;
    private readonly string? _deviceSpelling;
    private readonly bool _onCpu;
    private readonly bool _outputsToCpu;

    /// <summary>
    /// One node of the schedule: its input slots are <c>_slots[Start..Mid]</c>, its output slots <c>_slots[Mid..End]</c>,
    /// the slots freed after it <c>_frees[FreeStart..FreeEnd]</c>; <c>Overwrite</c> is the input whose dead buffer
    /// receives the output, or -1.
    /// </summary>
    // A struct over shared arrays: one array of steps rather than an object, or three, per node that every collection
    // traces.
    private readonly record struct Step(Apply Node, int Start, int Mid, int End, int FreeStart, int FreeEnd, int Overwrite);

    /// <summary>The schedule while it is planned: each step's node and its input and output slots.</summary>
    private readonly struct Layout(Apply[] nodes, int[] slots, int[] starts, int[] mids)
    {
        public Apply[] Nodes => nodes;

        public int Count => nodes.Length;

        public int Start(int step) => starts[step];

        public int Mid(int step) => mids[step];

        public int End(int step) => starts[step + 1];

        public ReadOnlySpan<int> In(int step) => slots.AsSpan(starts[step], mids[step] - starts[step]);

        public ReadOnlySpan<int> Out(int step) => slots.AsSpan(mids[step], starts[step + 1] - mids[step]);
    }

    private Function(Variable[] inputs, Variable[] outputs, CompileOptions options)
    {
        _inputs = inputs;
        _allowDowncast = options.AllowInputDowncast;
        _label = options.Name is null ? "function" : $"function {options.Name}";
        _device = options.Device is null ? Config.TorchDevice : Devices.Parse(options.Device, $"{_label}: device");
        _deviceSpelling = options.Device;
        _onCpu = _device.type == DeviceType.CPU;
        _outputsToCpu = options.OutputsOnCpu && !_onCpu;
        // Before the first call allocates: glibc's defaults hand a looping call's freed buffers back to the system.
        NativeAllocator.EnsureTuned();
        var updates = options.Updates.ToArray();
        CheckUpdates(updates);

        var clock = new PhaseClock();
        // Nodes computed from constants alone are copied once when the rewrites merge identical nodes anyway.
        Graph = FunctionGraph.Clone(inputs, outputs.Concat(updates.Select(u => u.Value)).ToArray(), options.Givens,
            shareConstantNodes: Rewriter.Merges(options.Rewrites));
        CheckUnused(options.OnUnusedInput);
        clock.End("clone");
        Rewriter.Run(Graph, options.Rewrites, after: rewrite => clock.End(rewrite.Name));
        // Which ops can run there is known without touching the device: say so first, then whether the device exists.
        CheckDevice();

        var order = Graph.Nodes;
        // Sized up front: one slot per node output, input and constant.
        var slots = new Dictionary<Variable, int>(order.Count + order.Count / 2 + inputs.Length);
        int slotCount = 0;
        foreach (var v in inputs)
        {
            slots[v] = slotCount++;
        }
        // Constants as the graph holds them (on the CPU), and whether the function made (owns) the tensor.
        var constants = new List<(int Slot, torch.Tensor Value, bool Owned)>();
        var shared = new List<(int, SharedVariable)>();
        int Slot(Variable v)
        {
            if (slots.TryGetValue(v, out int s))
            {
                return s;
            }
            switch (v)
            {
                case Constant c:
                    constants.Add((slots[v] = slotCount++, c.Value, false));
                    return slots[v];
                case SharedVariable sv:
                    shared.Add((slots[v] = slotCount++, sv));
                    sv.AliasOn(_device).Dispose(); // moves the value to this device now, not in the first call
                    return slots[v];
            }
            throw new MissingInputException(
                $"{_label}: the graph needs {v} ({v.Type}), which is neither an input, a shared variable nor a " +
                "constant; add it to the inputs");
        }
        // Constants an op prefers in another form (e.g. converted to the dtype it computes in) get their own slot,
        // prepared once here.
        var prepared = new Dictionary<(Constant, string), int>();
        // A merged constant is read by many nodes of one op and one signature (the 0.5 of every link of a chain): the
        // op prepares it once per op object, input position and node types, not once per reader.
        var preparedFor = new Dictionary<PreparationKey, int>();
        int PreparedSlot(Apply node, int index)
        {
            int slot = Slot(node.Inputs[index]);
            if (node.Inputs[index] is not Constant c)
            {
                return slot;
            }
            var use = new PreparationKey(c, node, index);
            if (!preparedFor.TryGetValue(use, out int found))
            {
                preparedFor[use] = found = PrepareSlot(node, index, c, slot);
            }
            return found;
        }
        int PrepareSlot(Apply node, int index, Constant c, int slot)
        {
            if (node.Op.PrepareConstant(node, index, c.Value) is not { } value)
            {
                return slot;
            }
            var key = (c, value.dtype.ToString());
            if (!prepared.TryGetValue(key, out int preparedSlot))
            {
                prepared[key] = preparedSlot = slotCount++;
                constants.Add((preparedSlot, value.DetachFromDisposeScope(), true));
            }
            else
            {
                value.Dispose();
            }
            return preparedSlot;
        }
        // The schedule is built with plain loops and slot-indexed arrays: on graphs of a few hundred thousand nodes,
        // per-node LINQ iterators and hash sets of slots were a large part of the compile time.
        var nodes = new Apply[order.Count];
        var starts = new int[order.Count + 1];
        var mids = new int[order.Count];
        int total = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            nodes[i] = order[i];
            total += nodes[i].Inputs.Count + nodes[i].Outputs.Count;
        }
        var io = new int[total];
        int at = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            starts[i] = at;
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                io[at++] = PreparedSlot(node, k);
            }
            mids[i] = at;
            for (int k = 0; k < node.Outputs.Count; k++)
            {
                io[at++] = slots[node.Outputs[k]] = slotCount++;
            }
        }
        starts[nodes.Length] = at;
        var steps = new Layout(nodes, io, starts, mids);
        var results = Graph.Outputs.Select(Slot).ToArray();
        slots.Clear(); // a large table lives on the large object heap: see EquilibriumRewrite.Run.Release
        _slotCount = slotCount;
        // Only the constants something reads are placed on the device (a prepared constant replaces its original).
        var read = new bool[_slotCount];
        var computed = new bool[_slotCount];
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (int slot in steps.In(i))
            {
                read[slot] = true;
            }
            foreach (int slot in steps.Out(i))
            {
                computed[slot] = true;
            }
        }
        foreach (int slot in results)
        {
            read[slot] = true;
        }
        var placed = new List<(int, torch.Tensor)>();
        foreach (var constant in constants)
        {
            if (read[constant.Slot])
            {
                placed.Add(Place(constant));
            }
            else if (constant.Owned)
            {
                constant.Value.Dispose();
            }
        }
        _constants = placed.ToArray();
        _shared = shared.ToArray();

        // Free each computed value after its last reader, unless it is returned; reuse dead buffers in place.
        var lastUse = new int[_slotCount];
        for (int i = 0; i < steps.Count; i++)
        {
            // Inputs, then outputs: one stretch.
            for (int k = steps.Start(i); k < steps.End(i); k++)
            {
                lastUse[io[k]] = i;
            }
        }
        foreach (int slot in results)
        {
            lastUse[slot] = int.MaxValue;
        }
        var overwrite = PlanInPlace(steps, computed, lastUse);
        // Slots freed after each step, in slot order: counted first, then filled.
        bool Freed(int slot) => computed[slot] && lastUse[slot] != int.MaxValue
                                && (overwrite[lastUse[slot]] < 0 || io[steps.Start(lastUse[slot]) + overwrite[lastUse[slot]]] != slot);
        // freeStart[i]: where step i's stretch of freed slots begins (counted first, then filled).
        var freeStart = new int[steps.Count + 1];
        for (int slot = 0; slot < _slotCount; slot++)
        {
            if (Freed(slot))
            {
                freeStart[lastUse[slot] + 1]++;
            }
        }
        for (int i = 0; i < steps.Count; i++)
        {
            freeStart[i + 1] += freeStart[i];
        }
        var frees = new int[freeStart[steps.Count]];
        var filled = new int[steps.Count];
        for (int slot = 0; slot < _slotCount; slot++)
        {
            if (Freed(slot))
            {
                int step = lastUse[slot];
                frees[freeStart[step] + filled[step]++] = slot;
            }
        }
        _slots = io;
        _frees = frees;
        _steps = new Step[steps.Count];
        int maxArity = 0;
        for (int i = 0; i < _steps.Length; i++)
        {
            _steps[i] = new Step(nodes[i], steps.Start(i), steps.Mid(i), steps.End(i), freeStart[i], freeStart[i + 1],
                overwrite[i]);
            maxArity = Math.Max(maxArity, steps.Mid(i) - steps.Start(i));
        }
        _maxArity = maxArity;

        // A computed value is handed out once as is; inputs, constants, shared values, views of them and repeats are
        // copied, so nothing returned or stored shares memory with what the caller or the graph owns.
        var external = ExternalViews(steps, computed);
        var owned = results.Select((s, i) => computed[s] && !external[s] && Array.IndexOf(results, s) == i)
            .ToArray();
        _outputSlots = results[..outputs.Length];
        _outputOwned = owned[..outputs.Length];
        _updates = updates.Select((u, i) => (u.Key, results[outputs.Length + i], owned[outputs.Length + i])).ToArray();
        _lockOrder = _shared.Select(s => s.Shared).Concat(_updates.Select(u => u.Target)).Distinct()
            .OrderBy(s => s.Id).ToArray();
        clock.End("schedule");
        CompilePhases = clock.Phases;
    }

    /// <summary>
    /// Where this function's compile spent its time: the clone, each rewrite, the schedule (diagnostics; Aesara's
    /// <c>profile=True</c> reports the same split).
    /// </summary>
    public IReadOnlyList<CompilePhase> CompilePhases { get; }

    /// <summary>The device the function's kernels run on, by its canonical name (<c>cpu</c>, <c>cuda:N</c>).</summary>
    public string Device => Devices.Name(_device);

    /// <summary>Whether the outputs are returned on the CPU (<see cref="CompileOptions.OutputsOnCpu"/>).</summary>
    public bool OutputsOnCpu => _outputsToCpu || _onCpu;

    /// <summary>The devices of the constant values the function holds, by name (diagnostics: each is <see cref="Device"/>).</summary>
    public IReadOnlyList<string> ConstantDevices => _constants.Select(c => Devices.Name(c.Value.device)).ToArray();

    /// <summary>Whether arguments of any dtype are converted to their input's, even with a loss of precision.</summary>
    public bool AllowInputDowncast => _allowDowncast;

    /// <summary>The inputs, in call order.</summary>
    public IReadOnlyList<Variable> Inputs => _inputs;

    /// <summary>The rewritten graph the function runs (Aesara's <c>maker.fgraph</c>).</summary>
    public FunctionGraph Graph { get; }

    /// <summary>How many nodes write their output into a dead input's buffer instead of allocating (diagnostics).</summary>
    public int InPlaceCount => _steps.Count(s => s.Overwrite >= 0);

    /// <summary>The nodes in the order they run (Aesara's <c>maker.fgraph.toposort()</c>).</summary>
    public IReadOnlyList<Apply> Toposort() => _steps.Select(s => s.Node).ToArray();

    /// <summary>Compiles a function of <paramref name="inputs"/> that computes <paramref name="outputs"/>.</summary>
    /// <exception cref="MissingInputException">The outputs need a variable that is not among the inputs.</exception>
    /// <exception cref="UnusedInputException">An input is not needed and the policy is Raise.</exception>
    /// <exception cref="ArgumentException">An input is a constant or a shared variable, or an update does not fit, or the
    /// device is not a device name.</exception>
    /// <exception cref="NotSupportedException">An op of the graph cannot run on the function's device.</exception>
    /// <exception cref="DeviceUnavailableException">The device cannot be used in this process (e.g. CUDA without a GPU).</exception>
    public static Function Compile(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs,
        CompileOptions? options = null)
    {
        Guard.NotNull(inputs);
        Guard.NotNull(outputs);
        options ??= new CompileOptions();
        var label = options.Name is null ? "function" : $"function {options.Name}";
        Guard.NotNull(options.Updates, label, "options.Updates");
        Guard.NotNull(options.Givens, label, "options.Givens");
        Guard.Defined(options.OnUnusedInput, label, "options.OnUnusedInput");
        if (options.Rewrites is not null)
        {
            Guard.NoNulls(options.Rewrites, label, "options.Rewrites");
        }
        foreach (var (key, value) in options.Givens)
        {
            Guard.NotNull(value, label, $"the replacement of {key} in givens");
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            switch (inputs[i])
            {
                case null:
                    throw new ArgumentNullException(nameof(inputs), $"{label}: input {i} is null");
                case Constant:
                    throw new ArgumentException($"{label}: input {i} is a constant; inputs must be symbolic variables",
                        nameof(inputs));
                case SharedVariable s:
                    throw new ArgumentException(
                        $"{label}: cannot use a shared variable ({s}) as explicit input {i}; consider substituting a " +
                        "non-shared variable via givens", nameof(inputs));
            }
            if (inputs.Take(i).Contains(inputs[i]))
            {
                throw new ArgumentException($"{label}: input {inputs[i]} is given more than once", nameof(inputs));
            }
        }
        for (int i = 0; i < outputs.Count; i++)
        {
            switch (outputs[i])
            {
                case null:
                    throw new ArgumentNullException(nameof(outputs), $"{label}: output {i} is null");
                case NullGradient n:
                    throw new NullTypeGradException($"{label}: output {i} is an undefined gradient (NullType): {n.Why}");
                case DisconnectedGradient:
                    throw new ArgumentException(
                        $"{label}: output {i} is a disconnected gradient placeholder (DisconnectedType)");
            }
        }
        return new Function(inputs.ToArray(), outputs.ToArray(), options);
    }

    /// <summary>
    /// Runs the graph on <paramref name="args"/>, one tensor per input. An argument whose dtype converts to the
    /// input's without loss is converted; anything else that does not fit the input's type is rejected. An argument on
    /// another device is copied to the function's. The caller owns (and disposes) the returned tensors, which live on
    /// the function's device (or the CPU, see <see cref="OutputsOnCpu"/>); the arguments are not modified.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong argument count, dtype, rank or shape, or a failing kernel check.</exception>
    public torch.Tensor[] Call(params torch.Tensor[] args)
    {
        Guard.NotNull(args);
        if (args.Length != _inputs.Length)
        {
            throw new ArgumentException(
                $"{_label}: expected {_inputs.Length} argument(s) ({string.Join(", ", _inputs.Select(Describe))}); " +
                $"got {args.Length}", nameof(args));
        }
        using var scope = torch.NewDisposeScope();
        var values = new torch.Tensor?[_slotCount];
        for (int i = 0; i < args.Length; i++)
        {
            values[i] = Admit(i, args[i]);
        }
        foreach (var (slot, value) in _constants)
        {
            values[slot] = value;
        }
        // The snapshot of the shared values and, for a call with updates, the whole call up to the stores run under
        // the locks of the shared variables involved (see the remarks on the class).
        int held = 0;
        try
        {
            for (; held < _lockOrder.Length; held++)
            {
                Monitor.Enter(_lockOrder[held].Gate);
            }
            foreach (var (slot, shared) in _shared)
            {
                values[slot] = shared.AliasOn(_device);
            }
            if (_updates.Length == 0)
            {
                Release(held);
                held = 0;
            }
            Run(values);
            var results = new torch.Tensor[_outputSlots.Length];
            for (int i = 0; i < results.Length; i++)
            {
                var v = values[_outputSlots[i]]!;
                // Moving to the CPU copies already: nothing is shared with the graph's own values then.
                results[i] = (_outputsToCpu ? v.cpu() : _outputOwned[i] ? v : v.clone()).MoveToOuterDisposeScope();
            }
            if (_updates.Length > 0)
            {
                // Every new value is computed before any is stored, so an update never sees another's result.
                var fresh = _updates.Select(u =>
                {
                    var v = values[u.Slot]!;
                    return (u.Owned ? v : v.clone()).DetachFromDisposeScope();
                }).ToArray();
                for (int i = 0; i < fresh.Length; i++)
                {
                    _updates[i].Target.Swap(fresh[i]);
                }
            }
            return results;
        }
        finally
        {
            Release(held);
        }
    }

    /// <summary>Releases the first <paramref name="count"/> locks of <see cref="_lockOrder"/>, last taken first.</summary>
    private void Release(int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            Monitor.Exit(_lockOrder[i].Gate);
        }
    }

    /// <summary>Runs the schedule on <paramref name="values"/> (inputs, constants and shared values filled in).</summary>
    private void Run(torch.Tensor?[] values)
    {
        var probe = MemoryProbe.Current;
        // One argument array per arity, reused by every step of this call (ops read their inputs and keep no
        // reference to the array), so a step allocates nothing of its own besides what its kernel makes.
        var buffers = new torch.Tensor[_maxArity + 1][];
        foreach (var step in _steps)
        {
            var inSlots = _slots.AsSpan(step.Start, step.Mid - step.Start);
            var outSlots = _slots.AsSpan(step.Mid, step.End - step.Mid);
            var ins = buffers[inSlots.Length] ??= new torch.Tensor[inSlots.Length];
            for (int i = 0; i < ins.Length; i++)
            {
                ins[i] = values[inSlots[i]]!;
            }
            try
            {
                if (step.Overwrite >= 0)
                {
                    // The input's buffer now holds the output: hand the handle over instead of freeing it.
                    var result = step.Node.Op.PerformInPlace(step.Node, ins, step.Overwrite);
                    values[outSlots[0]] = result;
                    values[inSlots[step.Overwrite]] = null;
                    if (probe is not null)
                    {
                        probe.Hold(result);
                        probe.Release(ins[step.Overwrite]);
                    }
                }
                else
                {
                    var outs = step.Node.Op.Perform(step.Node, ins);
                    for (int o = 0; o < outs.Length; o++)
                    {
                        // An op must return new handles: an input handle reused as an output would be freed twice.
                        // (Compared by reference: Tensor.Equals compares values, which sparse tensors do not support.)
                        var output = outs[o];
                        for (int i = 0; i < ins.Length; i++)
                        {
                            if (ReferenceEquals(ins[i], output))
                            {
                                output = output.alias();
                                break;
                            }
                        }
                        values[outSlots[o]] = output;
                        probe?.Hold(output);
                    }
                }
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                throw KernelFailure.From(step.Node.Op, e);
            }
            foreach (int s in _frees.AsSpan(step.FreeStart, step.FreeEnd - step.FreeStart))
            {
                probe?.Release(values[s]!);
                values[s]!.Dispose();
                values[s] = null;
            }
        }
        if (probe is not null)
        {
            // What is left is returned or freed with the scope: the function holds nothing after the call.
            foreach (var step in _steps)
            {
                foreach (int slot in _slots.AsSpan(step.Mid, step.End - step.Mid))
                {
                    if (values[slot] is { } left)
                    {
                        probe.Release(left);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A use of a constant as far as <see cref="Op.PrepareConstant"/> can tell uses apart: the constant, the op object,
    /// the input position, and the types of the node's inputs and outputs.
    /// </summary>
    private readonly struct PreparationKey : IEquatable<PreparationKey>
    {
        private readonly Constant _constant;
        private readonly Apply _node;
        private readonly int _index;
        private readonly int _hash;

        public PreparationKey(Constant constant, Apply node, int index)
        {
            (_constant, _node, _index) = (constant, node, index);
            var hash = new HashCode();
            hash.Add(constant);
            hash.Add(node.Op.GetHashCode()); // an op hashes its props once; equal ops here are the same object
            hash.Add(index);
            // Indexed loops: a foreach over the lists would allocate an enumerator per constant read.
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                hash.Add(node.Inputs[i].Type);
            }
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                hash.Add(node.Outputs[i].Type);
            }
            _hash = hash.ToHashCode();
        }

        public bool Equals(PreparationKey other) =>
            _hash == other._hash && ReferenceEquals(_constant, other._constant) && _index == other._index
            && ReferenceEquals(_node.Op, other._node.Op) && SameTypes(_node.Inputs, other._node.Inputs)
            && SameTypes(_node.Outputs, other._node.Outputs);

        public override bool Equals(object? obj) => obj is PreparationKey other && Equals(other);

        public override int GetHashCode() => _hash;

        private static bool SameTypes(IReadOnlyList<Variable> a, IReadOnlyList<Variable> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }
            for (int i = 0; i < a.Count; i++)
            {
                if (!a[i].Type.Equals(b[i].Type))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>The computed slots that may be views of an input, a constant or a shared value.</summary>
    private static bool[] ExternalViews(Layout steps, bool[] computed)
    {
        var external = new bool[computed.Length];
        for (int i = 0; i < steps.Count; i++)
        {
            var node = steps.Nodes[i];
            var ins = steps.In(i);
            var outs = steps.Out(i);
            bool readsExternal = false;
            foreach (int slot in ins)
            {
                readsExternal |= !computed[slot] || external[slot];
            }
            for (int o = 0; o < outs.Length; o++)
            {
                if (readsExternal && node.Op.OutputMayAlias(node, o))
                {
                    external[outs[o]] = true;
                }
            }
        }
        return external;
    }

    /// <summary>
    /// Chooses, for each step, an input whose buffer the output may overwrite: a buffer the VM itself made (not an
    /// input, constant or shared value), fresh (not a view), that neither it nor any view of it is read after this
    /// step, and that no other input of the step shares. Returns the chosen input index per step, or -1.
    /// </summary>
    private static int[] PlanInPlace(Layout steps, bool[] computed, int[] lastUse)
    {
        // roots[slot]: the fresh buffers a computed slot may share memory with. A slot with no entry is its own root:
        // a fresh buffer (nearly every computed slot: no one-element array each) or a slot that is not computed.
        // A slot that may alias many buffers pins them (they are never overwritten) instead of carrying them along,
        // which keeps this pass linear in the graph size.
        const int maxRoots = 8;
        var roots = new int[]?[computed.Length];
        var pinned = new bool[computed.Length];
        var gathered = new List<int>();
        var distinct = new HashSet<int>();
        bool HasRoot(int slot, int root) => roots[slot] is { } r ? Array.IndexOf(r, root) >= 0 : slot == root;
        for (int i = 0; i < steps.Count; i++)
        {
            var node = steps.Nodes[i];
            var ins = steps.In(i);
            var outs = steps.Out(i);
            for (int o = 0; o < outs.Length; o++)
            {
                if (!node.Op.OutputMayAlias(node, o))
                {
                    roots[outs[o]] = null;
                    continue;
                }
                gathered.Clear();
                distinct.Clear();
                foreach (int slot in ins)
                {
                    if (roots[slot] is not { } slotRoots)
                    {
                        if (distinct.Add(slot))
                        {
                            gathered.Add(slot);
                        }
                        continue;
                    }
                    foreach (int root in slotRoots)
                    {
                        if (distinct.Add(root))
                        {
                            gathered.Add(root);
                        }
                    }
                }
                if (gathered.Count > maxRoots)
                {
                    foreach (int root in gathered)
                    {
                        pinned[root] = true;
                    }
                    roots[outs[o]] = [];
                    continue;
                }
                roots[outs[o]] = [.. gathered];
            }
        }
        // aliasEnd[root]: the last step that reads the root or any view of it.
        var aliasEnd = new int[computed.Length];
        for (int slot = 0; slot < roots.Length; slot++)
        {
            if (roots[slot] is not { } slotRoots)
            {
                // Its own root (what aliasEnd says of a slot that is not computed is never asked).
                aliasEnd[slot] = Math.Max(aliasEnd[slot], lastUse[slot]);
                continue;
            }
            foreach (int root in slotRoots)
            {
                aliasEnd[root] = Math.Max(aliasEnd[root], lastUse[slot]);
            }
        }
        var plan = new int[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            plan[i] = -1;
            var node = steps.Nodes[i];
            var ins = steps.In(i);
            var outs = steps.Out(i);
            if (outs.Length != 1)
            {
                continue;
            }
            for (int k = 0; k < ins.Length && plan[i] < 0; k++)
            {
                int slot = ins[k];
                bool ownFreshBuffer = computed[slot] && (roots[slot] is null || (roots[slot] is [var only] && only == slot))
                                      && !pinned[slot];
                bool deadAfter = lastUse[slot] == i && aliasEnd[slot] == i;
                if (!ownFreshBuffer || !deadAfter)
                {
                    continue;
                }
                bool unshared = true;
                foreach (int other in ins)
                {
                    unshared &= other == slot || !HasRoot(other, slot);
                }
                if (unshared && node.Op.CanOverwrite(node, k))
                {
                    plan[i] = k;
                    // The output lives in that buffer from now on: it is a fresh root of its own.
                    roots[outs[0]] = null;
                }
            }
        }
        return plan;
    }

    /// <summary>
    /// Runs the graph on .NET values: tensors, arrays of any rank (e.g. <c>double[,]</c>) or numbers, one per input,
    /// converted as <see cref="Call(torch.Tensor[])"/> converts tensors (a number takes the input's dtype when its
    /// value survives the conversion, as Aesara accepts a Python int for a float input).
    /// </summary>
    public torch.Tensor[] Call(params object[] args)
    {
        Guard.NotNull(args);
        using var scope = torch.NewDisposeScope();
        var tensors = new torch.Tensor[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            var t = Values.ToTensor(args[i], $"{_label}: argument {i}");
            if (i < _inputs.Length && args[i] is double or float or long or int && t.dtype != _inputs[i].DType.ToTorch())
            {
                var converted = t.to_type(_inputs[i].DType.ToTorch());
                if (converted.to_type(torch.float64).item<double>() == t.to_type(torch.float64).item<double>())
                {
                    t = converted;
                }
            }
            tensors[i] = t;
        }
        var results = Call(tensors);
        foreach (var r in results)
        {
            r.MoveToOuterDisposeScope();
        }
        return results;
    }

    private torch.Tensor Admit(int i, torch.Tensor arg)
    {
        var input = _inputs[i];
        if (arg is null || arg.IsInvalid)
        {
            throw new ArgumentException($"{_label}: argument {i} ({Describe(input)}) is null or disposed", nameof(arg));
        }
        if (arg.is_sparse)
        {
            throw new ArgumentException(
                $"{_label}: argument {i} ({Describe(input)}): expected a dense tensor; got a sparse one (use to_dense())",
                nameof(arg));
        }
        if (input.Type.Mismatch(arg.Lengths()) is { } why)
        {
            throw new ArgumentException($"{_label}: argument {i} ({Describe(input)}): {why}");
        }
        var dtype = DTypes.FromTorch(arg.dtype);
        if (dtype != input.DType && !_allowDowncast && !DTypes.CanCastSafely(dtype, input.DType))
        {
            throw new ArgumentException(
                $"{_label}: argument {i} ({Describe(input)}): expected dtype {input.DType.Name()}; got {dtype.Name()}, " +
                "which would lose precision (allow it with AllowInputDowncast)");
        }
        // Checked first, moved second: a bad argument never costs a copy to the device.
        var here = Devices.To(arg, _device);
        if (dtype == input.DType)
        {
            return here;
        }
        using (here)
        {
            return Kernels.Kernels.Cast(here, input.DType);
        }
    }

    /// <summary>A constant's value on the function's device: the value itself when it is there, else a copy the function owns.</summary>
    private (int, torch.Tensor) Place((int Slot, torch.Tensor Value, bool Owned) constant)
    {
        if (Devices.IsOn(constant.Value, _device))
        {
            return (constant.Slot, constant.Value);
        }
        var moved = constant.Value.to(_device).DetachFromDisposeScope();
        if (constant.Owned)
        {
            constant.Value.Dispose();
        }
        return (constant.Slot, moved);
    }

    /// <summary>
    /// Refuses a graph with an op that cannot run on the device (naming every such op), then a device this process
    /// cannot use. The first check reads only the graph, so it holds without a GPU.
    /// </summary>
    private void CheckDevice()
    {
        var bound = Graph.Nodes.Select(n => n.Op).Where(op => !op.RunsOn(_device.type))
            .Select(op => $"{op} ({op.ClassName})").Distinct().ToArray();
        if (bound.Length > 0)
        {
            throw new NotSupportedException(
                $"{_label}: compiled for device '{Devices.Name(_device)}', but {string.Join(", ", bound)} " +
                $"{(bound.Length == 1 ? "has" : "have")} no kernel there (CPU only); compile it for device 'cpu'");
        }
        Devices.Require(_device, $"{_label}: device", _deviceSpelling);
    }

    private void CheckUpdates(KeyValuePair<SharedVariable, Variable>[] updates)
    {
        for (int i = 0; i < updates.Length; i++)
        {
            var (target, value) = updates[i];
            Guard.NotNull(target, _label, $"update {i} target");
            Guard.NotNull(value, _label, $"update {i} value");
            if (updates.Take(i).Any(u => u.Key == target))
            {
                throw new ArgumentException($"{_label}: shared variable {target} is updated more than once");
            }
            bool shapeFits = value.Ndim == target.Ndim && target.Type.Shape.Zip(value.Type.Shape)
                .All(p => p.First is null || p.Second is null || p.First == p.Second);
            if (value.DType != target.DType || !shapeFits)
            {
                throw new ArgumentException(
                    $"{_label}: an update must have the same type as the original shared variable " +
                    $"(shared_var={target}, shared_var.type={target.Type}, update_val={value}, " +
                    $"update_val.type={value.Type})");
            }
        }
    }

    private void CheckUnused(UnusedInputPolicy policy)
    {
        if (policy == UnusedInputPolicy.Ignore)
        {
            return;
        }
        // The inputs something reads, from the graph's (kept) order rather than a traversal of its own.
        var used = new HashSet<Variable>();
        foreach (var output in Graph.Outputs)
        {
            if (Graph.IsInput(output))
            {
                used.Add(output);
            }
        }
        foreach (var node in Graph.Nodes)
        {
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                if (Graph.IsInput(node.Inputs[k]))
                {
                    used.Add(node.Inputs[k]);
                }
            }
        }
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (used.Contains(_inputs[i]))
            {
                continue;
            }
            string message =
                $"{_label} was asked to create a function computing outputs given certain inputs, but the provided " +
                $"input variable at index {i} is not part of the computational graph needed to compute the " +
                $"outputs: {_inputs[i]}. To make this error into a warning, pass on_unused_input='warn'; to disable " +
                "it completely, use on_unused_input='ignore'.";
            if (policy == UnusedInputPolicy.Raise)
            {
                throw new UnusedInputException(message);
            }
            Console.Error.WriteLine("UserWarning: " + message);
        }
    }

    private static string Describe(Variable v) => v.Name is null ? v.Type.ToString() : $"{v.Name}: {v.Type}";
}
