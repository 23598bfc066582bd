using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Compile;

/// <summary>
/// A compiled graph (Aesara's <c>aesara.function</c>): a fixed schedule of nodes run by a small VM. Each call runs in
/// its own DisposeScope; intermediates are freed right after their last use and only the outputs escape.
/// </summary>
public sealed class Function
{
    private readonly Variable[] _inputs;
    private readonly Step[] _steps;
    private readonly int _slotCount;
    private readonly (int Slot, torch.Tensor Value)[] _constants;
    private readonly int[] _outputSlots;
    private readonly bool[] _outputOwned;

    private sealed record Step(Apply Node, int[] In, int[] Out, int[] FreeAfter);

    private Function(Variable[] inputs, Variable[] outputs)
    {
        _inputs = inputs;
        var slots = new Dictionary<Variable, int>();
        foreach (var v in inputs)
        {
            if (!slots.TryAdd(v, slots.Count))
            {
                throw new ArgumentException($"function: input {v} is given more than once", nameof(inputs));
            }
        }
        var nodes = GraphOrder.Toposort(outputs, new HashSet<Variable>(inputs));
        var constants = new List<(int, torch.Tensor)>();
        int Slot(Variable v)
        {
            if (slots.TryGetValue(v, out int s))
            {
                return s;
            }
            if (v is Constant c)
            {
                slots[v] = slots.Count;
                constants.Add((slots[v], c.Value));
                return slots[v];
            }
            throw new MissingInputException(
                $"function: the graph needs {v} ({v.Type}), which is neither an input nor a constant; " +
                "add it to the inputs");
        }
        var steps = new List<(Apply Node, int[] In, int[] Out)>();
        foreach (var node in nodes)
        {
            var ins = node.Inputs.Select(Slot).ToArray();
            var outs = node.Outputs.Select(o => slots[o] = slots.Count).ToArray();
            steps.Add((node, ins, outs));
        }
        _outputSlots = outputs.Select(Slot).ToArray();
        _slotCount = slots.Count;
        _constants = constants.ToArray();

        // Free each computed value after its last reader, unless it is returned.
        var computed = steps.SelectMany(s => s.Out).ToHashSet();
        var lastUse = new Dictionary<int, int>();
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (int s in steps[i].In.Concat(steps[i].Out))
            {
                lastUse[s] = i;
            }
        }
        var returned = _outputSlots.ToHashSet();
        var freeAt = lastUse.Where(kv => computed.Contains(kv.Key) && !returned.Contains(kv.Key))
            .ToLookup(kv => kv.Value, kv => kv.Key);
        _steps = steps.Select((s, i) => new Step(s.Node, s.In, s.Out, freeAt[i].ToArray())).ToArray();
        _outputOwned = _outputSlots.Select((s, i) => computed.Contains(s) && Array.IndexOf(_outputSlots, s) == i).ToArray();
    }

    /// <summary>The inputs, in call order.</summary>
    public IReadOnlyList<Variable> Inputs => _inputs;

    /// <summary>The nodes in the order they run (Aesara's <c>maker.fgraph.toposort()</c>).</summary>
    public IReadOnlyList<Apply> Toposort() => _steps.Select(s => s.Node).ToArray();

    /// <summary>Compiles a function of <paramref name="inputs"/> that computes <paramref name="outputs"/>.</summary>
    /// <exception cref="MissingInputException">The outputs need a variable that is not among the inputs.</exception>
    public static Function Compile(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"function: input {i} is null");
            }
            if (inputs[i] is Constant)
            {
                throw new ArgumentException($"function: input {i} is a constant; inputs must be symbolic variables",
                    nameof(inputs));
            }
        }
        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i] is null)
            {
                throw new ArgumentNullException(nameof(outputs), $"function: output {i} is null");
            }
        }
        return new Function(inputs.ToArray(), outputs.ToArray());
    }

    /// <summary>
    /// Runs the graph on <paramref name="args"/>, one tensor per input. An argument whose dtype converts to the
    /// input's without loss is converted; anything else that does not fit the input's type is rejected. The caller
    /// owns (and disposes) the returned tensors; the arguments are not modified.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong argument count, dtype, rank or shape, or a failing kernel check.</exception>
    public torch.Tensor[] Call(params torch.Tensor[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != _inputs.Length)
        {
            throw new ArgumentException(
                $"function: expected {_inputs.Length} argument(s) ({string.Join(", ", _inputs.Select(Describe))}); " +
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
        foreach (var step in _steps)
        {
            var ins = new torch.Tensor[step.In.Length];
            for (int i = 0; i < ins.Length; i++)
            {
                ins[i] = values[step.In[i]]!;
            }
            var outs = step.Node.Op.Perform(step.Node, ins);
            for (int o = 0; o < outs.Length; o++)
            {
                // An op must return new handles: an input handle reused as an output would be freed twice.
                values[step.Out[o]] = Array.IndexOf(ins, outs[o]) >= 0 ? outs[o].alias() : outs[o];
            }
            foreach (int s in step.FreeAfter)
            {
                values[s]!.Dispose();
                values[s] = null;
            }
        }
        var results = new torch.Tensor[_outputSlots.Length];
        for (int i = 0; i < results.Length; i++)
        {
            var v = values[_outputSlots[i]]!;
            // Inputs, constants and repeated outputs are handed out as copies the caller may dispose freely.
            results[i] = (_outputOwned[i] ? v : v.clone()).MoveToOuterDisposeScope();
        }
        return results;
    }

    private torch.Tensor Admit(int i, torch.Tensor arg)
    {
        var input = _inputs[i];
        if (arg is null || arg.IsInvalid)
        {
            throw new ArgumentException($"function: argument {i} ({Describe(input)}) is null or disposed", nameof(arg));
        }
        if (input.Type.Mismatch(arg.shape) is { } why)
        {
            throw new ArgumentException($"function: argument {i} ({Describe(input)}): {why}");
        }
        var dtype = DTypes.FromTorch(arg.dtype);
        if (dtype == input.DType)
        {
            return arg.alias();
        }
        if (!DTypes.CanCastSafely(dtype, input.DType))
        {
            throw new ArgumentException(
                $"function: argument {i} ({Describe(input)}): expected dtype {input.DType.Name()}; got {dtype.Name()}, " +
                "which would lose precision");
        }
        return Kernels.Kernels.Cast(arg, input.DType);
    }

    private static string Describe(Variable v) => v.Name is null ? v.Type.ToString() : $"{v.Name}: {v.Type}";
}
