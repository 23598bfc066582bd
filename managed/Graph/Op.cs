using TorchSharp;

namespace Gradient.Graph;

/// <summary>
/// An operation: how to type its outputs (<see cref="MakeNode"/>), compute them (<see cref="Perform"/>), and
/// differentiate it in reverse (<see cref="Pullback(Apply, Variable[])"/>, Aesara's <c>L_op</c>) and forward mode
/// (<see cref="Pushforward"/>, Aesara's <c>R_op</c>). Ops are immutable; equal parameters mean equal ops.
/// </summary>
public abstract class Op
{
    /// <summary>Validates <paramref name="inputs"/> and builds the node with typed outputs.</summary>
    public abstract Apply MakeNode(params Variable[] inputs);

    /// <summary>
    /// Computes the outputs from input values. Must return new tensor handles (views are fine) and never mutate
    /// its inputs.
    /// </summary>
    public abstract torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs);

    /// <summary>
    /// Reverse mode: given the gradients of the cost with respect to each output, returns the gradient with respect
    /// to each input, shaped and typed like that input; null for an input the outputs do not depend on
    /// differentiably.
    /// </summary>
    public abstract Variable?[] Pullback(Apply node, Variable[] outputGradients);

    /// <summary>
    /// <see cref="Pullback(Apply, Variable[])"/> for a caller that keeps only the gradients of the inputs marked in
    /// <paramref name="wanted"/> (reverse accumulation asks only for inputs that lead to what it differentiates with
    /// respect to): an op may leave the others null instead of building them. By default, the whole pullback.
    /// </summary>
    public virtual Variable?[] Pullback(Apply node, Variable[] outputGradients, bool[] wanted) =>
        Pullback(node, outputGradients);

    /// <summary>
    /// Forward mode: given a tangent for each input (null for zero), returns the tangent of each output (null for
    /// zero).
    /// </summary>
    public abstract Variable?[] Pushforward(Apply node, Variable?[] inputTangents);

    /// <summary>
    /// The parameters that tell apart two ops of one class (Aesara's <c>__props__</c>), in a fixed order. Values are
    /// numbers, strings, booleans, null or lists of them. Ops of one class with equal props are equal: merging and
    /// serialization rely on it.
    /// </summary>
    public virtual IReadOnlyList<KeyValuePair<string, object?>> Props => [];

    /// <summary>
    /// Which outputs depend differentiably on which inputs (Aesara's <c>connection_pattern</c>): entry [i][o] is true
    /// when output o depends on input i. An input connected to no output (e.g. the tensor whose <c>shape</c> is taken)
    /// is disconnected for gradients. All true by default.
    /// </summary>
    public virtual bool[][] ConnectionPattern(Apply node)
    {
        // Plain loops: gradients ask every node on the path for its pattern.
        var pattern = new bool[node.Inputs.Count][];
        for (int i = 0; i < pattern.Length; i++)
        {
            pattern[i] = new bool[node.Outputs.Count];
            Array.Fill(pattern[i], true);
        }
        return pattern;
    }

    /// <summary>Aesara's class name of the op, e.g. <c>Elemwise</c>.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>
    /// Whether output <paramref name="output"/> may share memory with an input (a view, or the input itself). The VM
    /// never overwrites a buffer something still alive may share, so true is always safe; an op whose outputs are
    /// always fresh memory says false, which lets the VM reuse those buffers.
    /// </summary>
    public virtual bool OutputMayAlias(Apply node, int output) => true;

    /// <summary>
    /// Whether <see cref="PerformInPlace"/> can write output 0 into the buffer of input <paramref name="index"/>
    /// (same dtype and shape as the output). The VM asks only when that input is dead after this node.
    /// </summary>
    public virtual bool CanOverwrite(Apply node, int index) => false;

    /// <summary>
    /// Computes output 0 into input <paramref name="index"/>'s buffer and returns that very tensor; called only when
    /// <see cref="CanOverwrite"/> said yes.
    /// </summary>
    public virtual torch.Tensor PerformInPlace(Apply node, torch.Tensor[] inputs, int index) =>
        throw new NotSupportedException($"{this} has no in-place kernel for input {index}");

    /// <summary>
    /// The value the compiled function should pass for constant input <paramref name="index"/> instead of
    /// <paramref name="value"/>, prepared once at compile time (e.g. already converted to the dtype the kernel computes
    /// in), or null to pass it as it is. The result must give the same outputs.
    /// </summary>
    public virtual torch.Tensor? PrepareConstant(Apply node, int index, torch.Tensor value) => null;

    /// <summary>
    /// Whether the outputs are a pure function of the props and the input values (true for almost every op). An op
    /// that draws random numbers says false: the merge never makes two of its nodes one and constant folding never
    /// computes it at compile time.
    /// </summary>
    public virtual bool IsDeterministic => true;

    /// <summary>
    /// Whether <see cref="Perform"/> runs on tensors of a <paramref name="device"/> (true by default: libtorch has CPU and
    /// CUDA kernels for what the engine calls, and ops that need the host, such as random draws and Python ops, move
    /// the data themselves). An op bound to the CPU says false for other devices, and compiling a function for such a
    /// device then fails with a <see cref="NotSupportedException"/> naming the op, before any device is touched.
    /// </summary>
    public virtual bool RunsOn(DeviceType device) => true;

    /// <summary>
    /// The batching rule (JAX's <c>vmap</c> rule): rebuilds this node for inputs of which some carry an extra leading
    /// batch axis (<c>Batched</c> true), returning each output and whether it carries the batch axis. Null (the
    /// default) means the op has no rule; vectorized Jacobians and Hessians through it then say so.
    /// </summary>
    public virtual (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) => null;

    /// <summary>Applies the op and returns its only output.</summary>
    public Variable Call(params Variable[] inputs) => MakeNode(inputs).Output;

    /// <inheritdoc/>
    public override bool Equals(object? obj)
    {
        // Props are built on each access: read them once, and compare with a plain loop (merging compares ops of
        // equal hash by the hundred thousand on large graphs).
        if (ReferenceEquals(this, obj))
        {
            return true;
        }
        if (obj is not Op other || other.GetType() != GetType())
        {
            return false;
        }
        var mine = Props;
        var theirs = other.Props;
        if (mine.Count != theirs.Count)
        {
            return false;
        }
        for (int i = 0; i < mine.Count; i++)
        {
            if (mine[i].Key != theirs[i].Key || !SameValue(mine[i].Value, theirs[i].Value))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Ops are immutable and props are built on each access: hash them once (merging hashes the op of every node).
        if (!Volatile.Read(ref _hashed))
        {
            _hash = PropsHash();
            Volatile.Write(ref _hashed, true);
        }
        return _hash;
    }

    private int _hash;
    private bool _hashed;

    private int PropsHash()
    {
        var props = Props;
        int hash = GetType().GetHashCode();
        for (int i = 0; i < props.Count; i++)
        {
            hash = HashCode.Combine(hash, props[i].Key, Hash(props[i].Value));
        }
        return hash;
    }

    /// <summary>Checks the input count.</summary>
    protected void ExpectInputs(Variable[] inputs, int count)
    {
        // The op's name is formatted only on failure: this runs for every node built.
        if (inputs is null)
        {
            Guard.NotNull(inputs, $"{this}");
        }
        if (inputs.Length != count)
        {
            throw new ArgumentException($"{this}: expected {count} input(s); got {inputs.Length}", nameof(inputs));
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                Guard.NotNull(inputs[i], $"{this}", $"input {i}");
            }
        }
    }

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => x == y,
        _ when ReferenceEquals(a, b) => true,
        (IReadOnlyList<int> x, IReadOnlyList<int> y) => SameInts(x, y),
        (System.Collections.IEnumerable x, System.Collections.IEnumerable y) =>
            x.Cast<object?>().SequenceEqual(y.Cast<object?>()),
        _ => Equals(a, b),
    };

    // The same value as the general case below gives (HashCode.Combine hashes an int as its boxed form), unboxed.
    private static int HashInts(IReadOnlyList<int> ints)
    {
        int hash = 19;
        for (int i = 0; i < ints.Count; i++)
        {
            hash = HashCode.Combine(hash, ints[i]);
        }
        return hash;
    }

    private static bool SameInts(IReadOnlyList<int> x, IReadOnlyList<int> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }
        for (int i = 0; i < x.Count; i++)
        {
            if (x[i] != y[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int Hash(object? value) => value switch
    {
        null => 0,
        string s => s.GetHashCode(),
        IReadOnlyList<int> ints => HashInts(ints),
        System.Collections.IEnumerable items => items.Cast<object?>().Aggregate(19, (h, x) => HashCode.Combine(h, x)),
        _ => value.GetHashCode(),
    };
}
