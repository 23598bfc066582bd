using System.Runtime.CompilerServices;
using Gradient.Graph;
using Gradient.Kernels;
using Python.Runtime;
using TorchSharp;

namespace Gradient.Interop;

/// <summary>
/// An op defined in Python (a subclass of <c>sharpgrad.graph.op.Op</c>): one C# class for every Python op, holding
/// the Python callbacks (<c>sharpgrad.graph.op._Callbacks</c>) that run the user's <c>make_node</c>, <c>perform</c>,
/// <c>L_op</c>/<c>grad</c>, <c>R_op</c> and <c>connection_pattern</c>. Each call takes the GIL (pythonnet releases it
/// while .NET code runs), and a Python exception raised by a callback travels back to the Python caller unchanged.
/// </summary>
/// <remarks>
/// The op is not deterministic for the engine: a Python <c>perform</c> may do anything, so the merge never makes two
/// of its nodes one, constant folding never runs it at compile time, and graph JSON refuses it (it has no C#
/// constructor to rebuild it from). Two such ops are equal only when they are the same object.
/// </remarks>
public sealed class PythonOp : Op
{
    private readonly PyObject _callbacks;
    private readonly string _className;
    private readonly string _display;
    private readonly bool _hasConnectionPattern;
    private readonly ConditionalWeakTable<Apply, bool[][]> _patterns = new();

    /// <summary>Wraps the Python callbacks of one Python op instance.</summary>
    /// <param name="callbacks">A <c>sharpgrad.graph.op._Callbacks</c> object.</param>
    /// <param name="className">The Python class name (Aesara's op class name).</param>
    /// <param name="display">The Python op's <c>str()</c>, for messages and printing.</param>
    /// <param name="hasConnectionPattern">Whether the Python op defines <c>connection_pattern</c>.</param>
    public PythonOp(PyObject callbacks, string className, string display, bool hasConnectionPattern)
    {
        if (callbacks is null)
        {
            throw new ArgumentNullException(nameof(callbacks), $"PythonOp {display}: callbacks is null");
        }
        _callbacks = callbacks;
        _className = className;
        _display = display;
        _hasConnectionPattern = hasConnectionPattern;
    }

    /// <summary>The Python op object (the user's instance).</summary>
    public PyObject PythonObject
    {
        get
        {
            using (Py.GIL())
            {
                return _callbacks.GetAttr("op");
            }
        }
    }

    /// <inheritdoc/>
    public override string ClassName => _className;

    /// <inheritdoc/>
    public override bool IsDeterministic => false;

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <summary>Calls the Python op's <c>make_node</c> on <paramref name="inputs"/>.</summary>
    public override Apply MakeNode(params Variable[] inputs)
    {
        if (inputs is null || inputs.Any(v => v is null))
        {
            throw new ArgumentNullException(nameof(inputs), $"{this}.make_node: the inputs (or one of them) are null");
        }
        using (Py.GIL())
        {
            using var pyInputs = inputs.ToPython();
            using var node = _callbacks.InvokeMethod("make_node", pyInputs);
            return node.As<Apply>();
        }
    }

    /// <summary>
    /// Copies the inputs into numpy arrays, runs the Python <c>perform</c>, and copies the outputs it stored (checked
    /// in Python against the declared dtype, rank and static shape) back into tensors on the inputs' device.
    /// </summary>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var device = inputs.Length > 0 ? inputs[0].device : null;
        var outputs = new torch.Tensor[node.Outputs.Count];
        using (Py.GIL())
        {
            // Python's to_numpy copies these handles' data out and disposes them.
            var results = new PyResults(inputs.Select(t => t.alias()).ToArray());
            using var pyNode = node.ToPython();
            using var pyResults = results.ToPython();
            using var stored = _callbacks.InvokeMethod("perform", pyNode, pyResults);
            using var specs = stored[0];
            for (int o = 0; o < outputs.Length; o++)
            {
                using var spec = specs[o];
                using var pointer = spec[0];
                using var dims = spec[1];
                using var dtype = spec[2];
                var shape = new List<long>();
                foreach (var d in Items(dims))
                {
                    using (d)
                    {
                        shape.Add(d.As<long>());
                    }
                }
                var t = Kernels.Kernels.FromPointer(new IntPtr(pointer.As<long>()), shape.ToArray(),
                    DTypes.Parse(dtype.As<string>()));
                if (device is not null && !Devices.IsOn(t, device))
                {
                    var moved = t.to(device);
                    t.Dispose();
                    t = moved;
                }
                outputs[o] = t;
            }
        }
        return outputs;
    }

    /// <summary>
    /// Runs the Python op's <c>L_op</c> (by default its <c>grad</c>) and checks what the engine's autodiff does not:
    /// None for the whole list or for a term (<c>TypeError</c>), the number of terms (<c>ValueError</c>), and a
    /// disconnected term for an input the connection pattern says is connected (<c>TypeError</c>). Integer-typed
    /// terms and terms of the wrong rank are checked by the autodiff.
    /// </summary>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        object?[] terms;
        using (Py.GIL())
        {
            using var pyNode = node.ToPython();
            using var pyGrads = outputGradients.ToPython();
            using var result = _callbacks.InvokeMethod("pullback", pyNode, pyGrads);
            if (result.IsNone())
            {
                throw new OpContractException(
                    $"{this}.grad returned None; it must return a list with one gradient term per input", "TypeError");
            }
            terms = Terms(result);
        }
        if (terms.Length != node.Inputs.Count)
        {
            throw new OpContractException(
                $"{this}.grad returned {terms.Length} term(s) for {node.Inputs.Count} input(s); it must return one " +
                "gradient term per input", "ValueError");
        }
        var pattern = ConnectionPattern(node);
        var gIn = new Variable?[terms.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            switch (terms[i])
            {
                case null:
                    throw new OpContractException(
                        $"{this}.grad returned None for a gradient term (input {i}), this is prohibited. Instead of " +
                        "None, return zeros_like(input), DisconnectedType(), or a NullType variable such as those " +
                        "made with the grad_undefined or grad_not_implemented helper functions.", "TypeError");
                case Disconnected or DisconnectedGradient:
                    if (pattern[i].Any(c => c))
                    {
                        if (_hasConnectionPattern)
                        {
                            throw new OpContractException(
                                $"{this}.grad returned DisconnectedType for input {i}. Its connection_pattern method " +
                                "does not allow this.", "TypeError");
                        }
                        Warn($"{this}.grad returned DisconnectedType for input {i}. You may want to implement a " +
                             "connection_pattern method for it.");
                    }
                    gIn[i] = new DisconnectedGradient(FloatType(node.Inputs[i]));
                    break;
                case Variable v:
                    gIn[i] = v;
                    break;
            }
        }
        return gIn;
    }

    /// <summary>
    /// Runs the Python op's <c>R_op</c> with None for zero tangents; None or a disconnected term in its answer is a
    /// zero tangent. A Python op without <c>R_op</c> raises <c>NotImplementedError</c> (from Python).
    /// </summary>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        object?[] terms;
        using (Py.GIL())
        {
            using var pyNode = node.ToPython();
            using var pyTangents = inputTangents.ToPython();
            using var result = _callbacks.InvokeMethod("pushforward", pyNode, pyTangents);
            if (result.IsNone())
            {
                throw new OpContractException(
                    $"{this}.R_op returned None; it must return a list with one term per output", "TypeError");
            }
            terms = Terms(result);
        }
        if (terms.Length != node.Outputs.Count)
        {
            throw new OpContractException(
                $"{this}.R_op returned {terms.Length} term(s) for {node.Outputs.Count} output(s); it must return " +
                "one term per output", "ValueError");
        }
        var dOut = new Variable?[terms.Length];
        for (int o = 0; o < terms.Length; o++)
        {
            if (terms[o] is not Variable v || v is DisconnectedGradient)
            {
                continue;
            }
            if (v is NullGradient)
            {
                throw new NullTypeGradException($"{this}.R_op returned an undefined (NullType) term for output {o}");
            }
            if (v.Ndim != node.Outputs[o].Ndim)
            {
                throw new OpContractException(
                    $"{this}.R_op returned a term with {v.Ndim} dimensions for output {o}, which has " +
                    $"{node.Outputs[o].Ndim}", "ValueError");
            }
            dOut[o] = v;
        }
        return dOut;
    }


    /// <summary>The Python op's <c>connection_pattern</c> when it defines one (asked once per node), else all true.</summary>
    public override bool[][] ConnectionPattern(Apply node)
    {
        if (!_hasConnectionPattern)
        {
            return base.ConnectionPattern(node);
        }
        return _patterns.GetValue(node, n =>
        {
            using (Py.GIL())
            {
                using var pyNode = n.ToPython();
                using var flat = _callbacks.InvokeMethod("connection_pattern", pyNode);
                var values = new List<bool>();
                foreach (var item in Items(flat))
                {
                    using (item)
                    {
                        values.Add(item.As<bool>());
                    }
                }
                int nOut = n.Outputs.Count;
                return Enumerable.Range(0, n.Inputs.Count).Select(i => values.Skip(i * nOut).Take(nOut).ToArray())
                    .ToArray();
            }
        });
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    /// <inheritdoc/>
    public override string ToString() => _display;

    /// <summary>Python's answer as C# values: a <see cref="Variable"/>, <see cref="Disconnected"/> or null per term.</summary>
    private static object?[] Terms(PyObject result)
    {
        var terms = new List<object?>();
        foreach (var item in Items(result))
        {
            using (item)
            {
                terms.Add(item.IsNone() ? null
                    : PyString.IsStringType(item) ? Disconnected.Instance
                    : item.As<Variable>());
            }
        }
        return terms.ToArray();
    }

    /// <summary>A Python <c>UserWarning</c> (through <c>warnings.warn</c>, so filters and pytest see it).</summary>
    private static void Warn(string message)
    {
        using (Py.GIL())
        {
            using var warnings = Py.Import("warnings");
            using var text = new PyString(message);
            warnings.InvokeMethod("warn", text).Dispose();
        }
    }

    /// <summary>The items of a Python sequence (each a new reference the caller disposes).</summary>
    private static IEnumerable<PyObject> Items(PyObject sequence)
    {
        long n = sequence.Length();
        for (long i = 0; i < n; i++)
        {
            yield return sequence[(int)i];
        }
    }

    private static TensorType FloatType(Variable x) => x.DType.IsDiscrete() ? x.Type.WithDType(Config.FloatX) : x.Type;

    /// <summary>A disconnected term, as Python marks it.</summary>
    private sealed class Disconnected
    {
        public static readonly Disconnected Instance = new();
    }
}

/// <summary>The Python-op entry points of the facade.</summary>
public static partial class PyApi
{
    /// <summary>The engine op for a Python op (made once per Python op object, by <c>sharpgrad.graph.op</c>).</summary>
    public static PythonOp NewPythonOp(PyObject callbacks, string className, string display, bool hasConnectionPattern) =>
        new(callbacks, className, display, hasConnectionPattern);

    /// <summary>
    /// A node of a Python op with outputs of the given types: dtype <paramref name="dtypes"/>[o] and static shape the
    /// next <paramref name="ranks"/>[o] entries of <paramref name="shapes"/> (-1 for an unknown length).
    /// </summary>
    public static Apply PythonApply(PythonOp op, Variable[] inputs, string[] dtypes, long[] shapes, int[] ranks)
    {
        if (op is null)
        {
            throw new ArgumentNullException(nameof(op), "PythonApply: op is null; expected a PythonOp");
        }
        if (dtypes.Length != ranks.Length || shapes.Length != ranks.Sum())
        {
            throw new ArgumentException($"{op}: output dtypes, ranks and shapes disagree in length");
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"{op}: input {i} is null; expected a Variable");
            }
        }
        var types = new TensorType[dtypes.Length];
        int at = 0;
        for (int o = 0; o < types.Length; o++)
        {
            types[o] = new TensorType(DTypes.Parse(dtypes[o]),
                shapes[at..(at + ranks[o])].Select(n => n < 0 ? (long?)null : n).ToArray());
            at += ranks[o];
        }
        return new Apply(op, inputs, types);
    }

    /// <summary>Builds a node of a built-in op with its own <see cref="Op.MakeNode"/>.</summary>
    public static Apply MakeNode(Op op, Variable[] inputs) => op.MakeNode(inputs);

    /// <summary>
    /// The Python op object behind <paramref name="op"/>: the user's op for a Python op, the
    /// <c>sharpgrad.compile.builders.OpFromGraph</c> recorded for an <see cref="Ops.OpFromGraph"/>; null otherwise.
    /// </summary>
    public static PyObject? PythonOpObject(Op op) => op switch
    {
        PythonOp p => p.PythonObject,
        Ops.OpFromGraph g => OpFromGraphObject(g),
        _ => null,
    };
}
