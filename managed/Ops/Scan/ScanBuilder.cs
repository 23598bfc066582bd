using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.Scan;

public sealed partial class Scan
{
    /// <summary>
    /// Aesara's <c>scan</c>: builds a loop whose step is <paramref name="step"/>, called once here on symbolic
    /// per-step arguments, in Aesara's order: the taps of each sequence, the taps of each fed-back output, then the
    /// non-sequences themselves. Variables the step reads that are none of these (shared variables, other outer
    /// variables) are passed in implicitly, as Aesara does.
    /// </summary>
    /// <param name="step">The step: per-step arguments to its outputs (and updates and <c>until</c>).</param>
    /// <param name="sequences">Sequences to iterate over (first axis is time).</param>
    /// <param name="outputsInfo">One entry per output: how it is fed back (null or <see cref="ScanOutputInfo.None"/> for a map).</param>
    /// <param name="nonSequences">Values every step reads whole.</param>
    /// <param name="nSteps">The number of steps (an integer scalar); by default the length of the shortest sequence.</param>
    /// <param name="truncateGradient">-1, or the number of last steps the reverse pass runs through.</param>
    /// <param name="goBackwards">Iterate the sequences from their end to their start.</param>
    /// <param name="strict">Require every shared variable the step reads to be among <paramref name="nonSequences"/>.</param>
    /// <param name="name">A name for printing.</param>
    /// <param name="checkpoint">
    /// Null, or k &gt;= 1: checkpoint the loop for its gradient — back-propagation keeps only every k-th state and
    /// recomputes the k states of each block from it (memory for the states n/k + k instead of n, about one more
    /// forward pass of time). The values are those of the plain loop.
    /// </param>
    /// <returns>Each output over all steps, and the final values of the shared variables the step updates.</returns>
    /// <exception cref="ArgumentException">Inconsistent arguments; the message says which.</exception>
    public static ScanResult Build(Func<Variable[], ScanStep> step, IReadOnlyList<ScanSequence>? sequences = null,
        IReadOnlyList<ScanOutputInfo?>? outputsInfo = null, IReadOnlyList<Variable>? nonSequences = null,
        Variable? nSteps = null, int truncateGradient = -1, bool goBackwards = false, bool strict = false,
        string? name = null, int? checkpoint = null)
    {
        Guard.NotNull(step, "scan");
        ScanBuilder.CheckCheckpoint(checkpoint);
        var builder = new ScanBuilder(sequences, outputsInfo, nonSequences);
        var result = step(builder.StepArguments.ToArray())
                     ?? throw new ArgumentException("scan: the step function returned null");
        return builder.Finish(result, nSteps, truncateGradient, goBackwards, strict, name, checkpoint);
    }
}

/// <summary>
/// Builds a loop in two halves, so that a step function defined elsewhere (in Python) can run between them: the
/// constructor makes the symbolic per-step arguments (<see cref="StepArguments"/>), the caller computes the step's
/// outputs from them, and <see cref="Finish"/> makes the <see cref="Scan"/> node.
/// </summary>
public sealed class ScanBuilder
{
    private readonly ScanSequence[] _sequences;
    private readonly int[][] _seqTaps;
    private readonly List<Variable> _seqArgs = [];
    private readonly ScanOutputInfo?[] _outputs;
    private readonly int[]?[] _outTaps;
    private readonly List<Variable>[] _outArgs;
    private readonly Variable[] _nonSequences;

    /// <summary>Checks the arguments and makes the per-step arguments.</summary>
    /// <exception cref="ArgumentException">A sequence is not at least a vector, or taps are invalid.</exception>
    public ScanBuilder(IReadOnlyList<ScanSequence>? sequences, IReadOnlyList<ScanOutputInfo?>? outputsInfo,
        IReadOnlyList<Variable>? nonSequences)
    {
        _sequences = sequences?.ToArray() ?? [];
        _seqTaps = new int[_sequences.Length][];
        for (int i = 0; i < _sequences.Length; i++)
        {
            var seq = _sequences[i] ?? throw new ArgumentNullException(nameof(sequences), $"scan: sequence {i} is null");
            if (seq.Input is null)
            {
                throw new ArgumentNullException(nameof(sequences), $"scan: sequence {i} has no input");
            }
            if (seq.Input.Ndim == 0)
            {
                throw new ArgumentException(
                    $"scan: sequence {i} ({seq.Input}) is a scalar; a sequence needs an axis to iterate over");
            }
            _seqTaps[i] = (seq.Taps ?? [0]).ToArray();
            if (_seqTaps[i].Length == 0)
            {
                throw new ArgumentException($"scan: sequence {i} has an empty list of taps");
            }
            foreach (int k in _seqTaps[i])
            {
                _seqArgs.Add(ScanGraph.Fresh(ScanGraph.RowType(seq.Input), TapName(seq.Input.Name, k)));
            }
        }
        _outputs = outputsInfo?.ToArray() ?? [];
        _outTaps = new int[]?[_outputs.Length];
        _outArgs = new List<Variable>[_outputs.Length];
        for (int i = 0; i < _outputs.Length; i++)
        {
            _outArgs[i] = [];
            var info = _outputs[i];
            if (info?.Initial is null)
            {
                if (info?.Taps is { Count: > 0 })
                {
                    throw new ArgumentException(
                        $"scan: outputs_info[{i}]: if you are using slices of an output you need to provide an " +
                        "initial state for it");
                }
                continue;
            }
            var taps = (info.Taps ?? [-1]).ToArray();
            if (taps.Length == 0)
            {
                taps = [-1];
            }
            if (taps.Distinct().Count() != taps.Length)
            {
                throw new ArgumentException($"scan: outputs_info[{i}]: all the taps must be different; got " +
                                            $"[{string.Join(", ", taps)}]");
            }
            if (taps.Any(t => t >= 0))
            {
                throw new ArgumentException($"scan: outputs_info[{i}]: all the tap values must be smaller than 0; " +
                                            $"got [{string.Join(", ", taps)}]");
            }
            _outTaps[i] = taps;
            var init = info.Initial;
            bool single = taps is [-1];
            if (!single && init.Ndim == 0)
            {
                throw new ArgumentException(
                    $"scan: outputs_info[{i}]: with taps [{string.Join(", ", taps)}] the initial state needs a " +
                    $"leading axis of {-taps.Min()} rows; got a scalar");
            }
            var type = single ? init.Type : ScanGraph.RowType(init);
            foreach (int k in taps)
            {
                _outArgs[i].Add(ScanGraph.Fresh(type, TapName(init.Name, k)));
            }
        }
        _nonSequences = nonSequences?.ToArray() ?? [];
        for (int i = 0; i < _nonSequences.Length; i++)
        {
            if (_nonSequences[i] is null)
            {
                throw new ArgumentNullException(nameof(nonSequences), $"scan: non_sequences[{i}] is null");
            }
        }
    }

    /// <summary>
    /// What the step function receives, in Aesara's order: each sequence's taps, each fed-back output's taps, then
    /// the non-sequences themselves.
    /// </summary>
    public IReadOnlyList<Variable> StepArguments => [.. _seqArgs, .. _outArgs.SelectMany(a => a), .. _nonSequences];

    /// <summary>
    /// Makes the loop from what the step returned; <paramref name="checkpoint"/> as in <see cref="Scan.Build"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The step's results do not fit the arguments.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="checkpoint"/> is below 1.</exception>
    /// <exception cref="MissingInputException">With <paramref name="strict"/>, the step reads a shared variable not passed as a non-sequence.</exception>
    public ScanResult Finish(ScanStep step, Variable? nSteps = null, int truncateGradient = -1, bool goBackwards = false,
        bool strict = false, string? name = null, int? checkpoint = null)
    {
        Guard.NotNull(step, "scan");
        CheckCheckpoint(checkpoint);
        var outputs = step.Outputs?.ToArray() ?? [];
        var updates = step.Updates?.ToArray() ?? [];
        for (int i = 0; i < outputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(outputs[i], $"scan: output {i} of the step function");
        }
        if (_outputs.Length > 0 && outputs.Length != _outputs.Length)
        {
            throw new ArgumentException(
                $"scan: the step function returned {outputs.Length} output(s) for {_outputs.Length} entries of " +
                "outputs_info. Please provide None as outputs_info for any output that does not feed back into scan " +
                "(i.e. it behaves like a map)");
        }
        if (truncateGradient < -1)
        {
            throw new ArgumentException($"scan: truncate_gradient must be -1 or >= 0; got {truncateGradient}");
        }
        var infos = _outputs.Length > 0 ? _outputs : new ScanOutputInfo?[outputs.Length];
        var outTaps = _outputs.Length > 0 ? _outTaps : new int[]?[outputs.Length];
        var outArgs = _outputs.Length > 0 ? _outArgs : outputs.Select(_ => new List<Variable>()).ToArray();
        var until = step.Until;
        if (until is not null && until.Ndim != 0)
        {
            throw new ArgumentException($"scan: the until condition must be a scalar; got {until.Type}");
        }
        var seen = new HashSet<SharedVariable>();
        foreach (var (target, value) in updates)
        {
            if (target is null || value is null)
            {
                throw new ArgumentNullException(nameof(step), "scan: an update of the step function is null");
            }
            if (!seen.Add(target))
            {
                throw new ArgumentException($"scan: the step function updates shared variable {target} twice");
            }
            if (value.DType != target.DType || value.Ndim != target.Ndim)
            {
                throw new ArgumentException(
                    $"scan: an update must have the type of its shared variable (shared_var={target}, " +
                    $"shared_var.type={target.Type}, update_val={value}, update_val.type={value.Type})");
            }
        }

        // The inner graph's inputs: the per-step arguments, a copy of each explicit non-sequence and of each updated
        // shared variable, and whatever outer value the step reads at the frontier of what depends on them.
        var rec = Enumerable.Range(0, outputs.Length).Where(i => outTaps[i] is not null).ToArray();
        var maps = Enumerable.Range(0, outputs.Length).Where(i => outTaps[i] is null).ToArray();
        var replace = new Dictionary<Variable, Variable>();
        var updateArgs = updates.Select(u => ScanGraph.Fresh(u.Key.Type, u.Key.Name is null ? null : u.Key.Name + "_copy"))
            .ToArray();
        for (int i = 0; i < updates.Length; i++)
        {
            replace[updates[i].Key] = updateArgs[i];
        }
        var explicitOuter = new List<Variable>();
        var explicitInner = new List<Variable>();
        foreach (var v in _nonSequences)
        {
            if (v is Constant || replace.ContainsKey(v))
            {
                continue;
            }
            var copy = ScanGraph.FreshLike(v, "_copy");
            replace[v] = copy;
            explicitOuter.Add(v);
            explicitInner.Add(copy);
        }
        // A checkpointed while loop gets one more map-like output, a byte per step, whose length tells its gradient how
        // many steps ran (its traces may be kept at their checkpoints only).
        bool stepMarks = checkpoint is not null && until is not null;
        Variable[] innerOuts = [.. rec.Select(i => outputs[i]), .. updates.Select(u => u.Value),
            .. maps.Select(i => outputs[i]), .. stepMarks ? [T.Cast(until!, DType.Int8)] : Array.Empty<Variable>(),
            .. until is null ? Array.Empty<Variable>() : [until]];
        var stepArgs = new HashSet<Variable>([.. _seqArgs, .. outArgs.SelectMany(a => a)]);
        var roots = new HashSet<Variable>(stepArgs.Concat(replace.Keys));
        var (capturedOuter, capturedInner) = Capture(innerOuts, roots, replace);
        if (strict)
        {
            var allowed = _nonSequences.ToHashSet();
            foreach (var c in capturedOuter)
            {
                foreach (var root in GraphOrder.GraphInputs([c]).OfType<SharedVariable>())
                {
                    if (!allowed.Contains(root))
                    {
                        throw new MissingInputException(
                            $"scan (strict=True): the step function reads shared variable {root}, which is not among " +
                            "the non_sequences; pass it in non_sequences");
                    }
                }
            }
        }
        innerOuts = ScanGraph.Replace(innerOuts, replace);

        // Outer inputs.
        var outerSeqs = new List<Variable>();
        for (int i = 0; i < _sequences.Length; i++)
        {
            var x = _sequences[i].Input;
            int minp = Math.Min(_seqTaps[i].Min(), 0), maxp = Math.Max(_seqTaps[i].Max(), 0);
            foreach (int k in _seqTaps[i])
            {
                int start = k - minp, end = maxp - k;
                var slice = ScanGraph.Index(x, end == 0 ? $"{start}:" : $"{start}:{-end}");
                outerSeqs.Add(goBackwards ? ScanGraph.Index(slice, "::-1") : slice);
            }
        }
        Variable steps;
        if (nSteps is not null)
        {
            if (nSteps.Ndim != 0 || !nSteps.DType.IsDiscrete() || nSteps.DType == DType.Bool)
            {
                throw new ArgumentException(
                    $"scan: n_steps must be an int. dtype provided is {nSteps.DType.Name()}" +
                    (nSteps.Ndim != 0 ? $" (and it must be a scalar; got {nSteps.Type})" : ""));
            }
            steps = nSteps is Constant c && c.ScalarValue is double d ? ScanGraph.Long((long)d) : T.Cast(nSteps, DType.Int64);
        }
        else if (outerSeqs.Count == 0)
        {
            throw new ArgumentException(
                "scan: no information about the number of steps provided. Either provide a value for n_steps " +
                "argument of scan or provide an input sequence");
        }
        else
        {
            var lengths = outerSeqs.Select(ScanGraph.Rows).ToArray();
            var known = lengths.Select(StructureSupport.StaticInt).ToArray();
            steps = known.All(k => k is not null)
                ? ScanGraph.Long(known.Min(k => k!.Value))
                : lengths.Aggregate(T.Minimum);
        }
        var inits = new List<Variable>();
        var taps = new List<IReadOnlyList<int>>();
        foreach (int i in rec)
        {
            var init = infos[i]!.Initial!;
            var t = outTaps[i]!;
            inits.Add(t is [-1] ? ScanGraph.PadLeft(init) : ScanGraph.Index(init, $":{-t.Min()}"));
            taps.Add(t);
        }
        foreach (var (target, _) in updates)
        {
            inits.Add(ScanGraph.PadLeft(target));
            taps.Add([-1]);
        }
        Variable[] innerInputs = [.. _seqArgs, .. rec.SelectMany(i => outArgs[i]), .. updateArgs, .. explicitInner,
            .. capturedInner];
        var op = new Scan(innerInputs, innerOuts, _seqArgs.Count, taps, maps.Length + (stepMarks ? 1 : 0),
            asWhile: until is not null, truncateGradient: truncateGradient, name: name, checkpoint: checkpoint ?? 0);
        var node = op.MakeNode([steps, .. outerSeqs, .. inits, .. explicitOuter, .. capturedOuter]);

        var results = new Variable[outputs.Length];
        for (int r = 0; r < rec.Length; r++)
        {
            results[rec[r]] = ScanGraph.Index(node.Outputs[r], $"{op.Window(r)}:");
        }
        for (int m = 0; m < maps.Length; m++)
        {
            results[maps[m]] = node.Outputs[op.NRec + m];
        }
        var finals = updates.Select((u, i) =>
            new KeyValuePair<SharedVariable, Variable>(u.Key, ScanGraph.Index(node.Outputs[rec.Length + i], "-1")));
        return new ScanResult(results, finals.ToArray());
    }

    /// <summary>
    /// The outer values the inner graph reads: for every node that depends on <paramref name="roots"/> (or draws
    /// random numbers, which must happen in each step), each input that does not and is not a constant; and each output
    /// that does not depend on them. Each gets a new inner variable, recorded in <paramref name="replace"/>.
    /// </summary>
    private static (List<Variable> Outer, List<Variable> Inner) Capture(IReadOnlyList<Variable> outputs,
        HashSet<Variable> roots, Dictionary<Variable, Variable> replace)
    {
        var dependent = new HashSet<Variable>(roots);
        var order = GraphOrder.Toposort(outputs, roots);
        foreach (var node in order)
        {
            if (!node.Op.IsDeterministic || node.Inputs.Any(dependent.Contains))
            {
                dependent.UnionWith(node.Outputs);
            }
        }
        var outer = new List<Variable>();
        var inner = new List<Variable>();
        void Take(Variable v)
        {
            if (dependent.Contains(v) || v is Constant || replace.ContainsKey(v))
            {
                return;
            }
            var copy = ScanGraph.FreshLike(v, "_copy");
            replace[v] = copy;
            outer.Add(v);
            inner.Add(copy);
        }
        foreach (var node in order)
        {
            if (dependent.Contains(node.Outputs[0]))
            {
                foreach (var v in node.Inputs)
                {
                    Take(v);
                }
            }
        }
        foreach (var v in outputs)
        {
            Take(v);
        }
        return (outer, inner);
    }

    /// <summary>Checks a <c>checkpoint</c> argument: null, or a number of steps &gt;= 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is below 1.</exception>
    internal static void CheckCheckpoint(int? checkpoint)
    {
        if (checkpoint is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint,
                $"scan: checkpoint must be None or a number of steps >= 1 (the length of the blocks the gradient " +
                $"recomputes); got {checkpoint}");
        }
    }

    private static string? TapName(string? name, int k) => name is null ? null
        : k == 0 ? $"{name}[t]"
        : k > 0 ? $"{name}[t+{k}]"
        : $"{name}[t{k}]";
}
