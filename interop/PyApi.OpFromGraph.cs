using System.Runtime.CompilerServices;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Python.Runtime;

namespace Gradient.Interop;

/// <summary>
/// <see cref="OpFromGraph"/>, <see cref="Checkpoint"/> and <see cref="MemoryProbe"/> as Python calls them. Derivative
/// overrides written in Python are Python callables of engine variables (lists in, a list of variables or None out),
/// called with the GIL held; a Python exception they raise travels back to the Python caller unchanged.
/// </summary>
public static partial class PyApi
{
    // The Python object (sharpgrad.compile.builders.OpFromGraph) standing for each engine op made or seen from Python.
    private static readonly ConditionalWeakTable<OpFromGraph, PyObject> s_opFromGraphObjects = new();

    /// <summary>
    /// A new <see cref="OpFromGraph"/>. <paramref name="lop"/> and <paramref name="rop"/> are Python callables (or
    /// null for the default derivatives) taking the inner inputs, outputs and output gradients (resp. the inner
    /// inputs and eval points) as arrays of engine variables; <paramref name="pattern"/> is a connection pattern
    /// flattened row by row (<paramref name="patternRows"/> rows), or null.
    /// </summary>
    public static OpFromGraph NewOpFromGraph(Variable[] inputs, Variable[] outputs, bool inline, string? name,
        PyObject? lop, PyObject? rop, bool[]? pattern, int patternRows)
    {
        // pythonnet hands Python's None to a PyObject parameter as a PyObject holding None.
        lop = lop is null || lop.IsNone() ? null : lop;
        rop = rop is null || rop.IsNone() ? null : rop;
        IReadOnlyList<IReadOnlyList<bool>>? rows = null;
        if (pattern is not null)
        {
            int nOut = outputs.Length;
            if (nOut * patternRows != pattern.Length)
            {
                throw new ArgumentException(
                    $"connection_pattern: expected {patternRows} row(s) of {nOut} bool(s); got {pattern.Length} in all");
            }
            rows = Enumerable.Range(0, patternRows).Select(r => pattern[(r * nOut)..((r + 1) * nOut)]).ToArray();
        }
        return new OpFromGraph(inputs, outputs, new OpFromGraphOptions
        {
            Inline = inline,
            Name = name,
            LopOverride = lop is null ? null : (i, o, g) => CallOverride(lop, [i, o, g]),
            RopOverride = rop is null ? null : (i, v) => CallOverride(rop, [i, v]),
            ConnectionPattern = rows,
        });
    }

    /// <summary>Records <paramref name="python"/> as the Python object of <paramref name="op"/> (what <c>node.op</c> gives).</summary>
    public static void RegisterOpFromGraph(OpFromGraph op, PyObject python) => s_opFromGraphObjects.AddOrUpdate(op, python);

    /// <summary>The Python object recorded for <paramref name="op"/>, or null.</summary>
    public static PyObject? OpFromGraphObject(OpFromGraph op) => s_opFromGraphObjects.TryGetValue(op, out var python) ? python : null;

    /// <summary>The op of an <see cref="OpFromGraph"/> node, or null for other ops.</summary>
    public static OpFromGraph? AsOpFromGraph(Op op) => op as OpFromGraph;

    /// <summary>The default gradient terms of an inner graph (see <see cref="OpFromGraph.DefaultGradients"/>).</summary>
    public static Variable[] OpFromGraphDefaultGradients(Variable[] inputs, Variable[] outputs, Variable[] outputGradients) =>
        OpFromGraph.DefaultGradients(inputs, outputs, outputGradients);

    /// <summary>The op's L-op terms at a node with these inputs (shared ones included) and outputs.</summary>
    public static Variable?[] OpFromGraphLop(OpFromGraph op, Variable[] inputs, Variable[] outputs, Variable[] outputGradients) =>
        op.Lop(inputs, outputs, outputGradients);

    /// <summary>The op's R-op terms at a node with these inputs along <paramref name="evalPoints"/> (null: zero).</summary>
    public static Variable?[] OpFromGraphRop(OpFromGraph op, Variable[] inputs, Variable?[] evalPoints) =>
        op.Rop(inputs, evalPoints);

    /// <summary>The op's connection pattern, flattened row by row (one row per input, shared ones included).</summary>
    public static bool[] OpFromGraphConnectionPattern(OpFromGraph op, Apply node) =>
        op.ConnectionPattern(node).SelectMany(r => r).ToArray();

    /// <summary>A private copy of the op's inner graph (Aesara's <c>op.fgraph</c>).</summary>
    public static FunctionGraph OpFromGraphGraph(OpFromGraph op) =>
        FunctionGraph.Clone(op.InnerInputs, op.InnerOutputs);

    /// <summary>A checkpointed segment from <paramref name="inputs"/> to <paramref name="outputs"/> (see <see cref="Checkpoint.Segment"/>).</summary>
    public static OpFromGraph CheckpointSegment(Variable[] inputs, Variable[] outputs) => Checkpoint.Segment(inputs, outputs);

    /// <summary>
    /// <paramref name="outputs"/> recomputed as a checkpointed segment that reaches back to <paramref name="inputs"/>
    /// (or, when null, to earlier checkpoints and the graph's inputs).
    /// </summary>
    public static Variable[] CheckpointOf(Variable[] outputs, Variable[]? inputs) => Checkpoint.Of(outputs, inputs);

    /// <summary>The variables <paramref name="outputs"/> need beyond <paramref name="bound"/>, constants and shared ones.</summary>
    public static Variable[] FreeVariables(Variable[] outputs, Variable[] bound) =>
        Checkpoint.FreeVariables(outputs, bound).ToArray();

    /// <summary>
    /// JAX's VJP with cotangents that add up (<see cref="Autodiff.Vjp"/>): disconnected results come back as
    /// placeholders, undefined ones as <see cref="NullGradient"/>s.
    /// </summary>
    public static Variable[] Vjp(Variable[] f, Variable[] wrt, Variable[] cotangents) =>
        Autodiff.Vjp(f, wrt, cotangents, new GradOptions
        {
            DisconnectedInputs = DisconnectedPolicy.Ignore,
            ReturnDisconnected = ReturnDisconnected.Disconnected,
            ReturnNullGradients = true,
        });

    /// <summary>A disconnected-gradient placeholder shaped like <paramref name="like"/>.</summary>
    public static Variable MakeDisconnectedGradient(Variable like) =>
        new DisconnectedGradient(like.DType.IsDiscrete() ? like.Type.WithDType(Config.FloatX) : like.Type);

    /// <summary>Starts a <see cref="MemoryProbe"/> on this thread (dispose it to stop).</summary>
    public static MemoryProbe StartMemoryProbe() => MemoryProbe.Start();

    /// <summary>Calls a Python override with arrays of variables; None in its answer is a null term.</summary>
    private static Variable?[] CallOverride(PyObject callback, IReadOnlyList<Variable>[] arguments)
    {
        using (Py.GIL())
        {
            var pyArgs = arguments.Select(a => a.ToArray().ToPython()).ToArray();
            try
            {
                using var result = callback.Invoke(pyArgs);
                if (result.IsNone())
                {
                    return null!;
                }
                var terms = new List<Variable?>();
                long n = result.Length();
                for (long k = 0; k < n; k++)
                {
                    using var item = result[(int)k];
                    terms.Add(item.IsNone() ? null : item.As<Variable>());
                }
                return terms.ToArray();
            }
            finally
            {
                foreach (var a in pyArgs)
                {
                    a.Dispose();
                }
            }
        }
    }
}

/// <summary>Graph utilities the Python side of custom derivatives uses.</summary>
public static partial class PyApi
{
    /// <summary>
    /// The graph of <paramref name="outputs"/> with each of <paramref name="keys"/> replaced by the value at the same
    /// position (see <see cref="OpFromGraph.CloneReplace"/>).
    /// </summary>
    public static Variable[] CloneReplace(Variable[] outputs, Variable[] keys, Variable[] values)
    {
        if (keys.Length != values.Length)
        {
            throw new ArgumentException("clone_replace: expected one replacement per key");
        }
        var replace = new Dictionary<Variable, Variable>();
        for (int i = 0; i < keys.Length; i++)
        {
            replace[keys[i]] = values[i];
        }
        return OpFromGraph.CloneReplace(outputs, replace);
    }

    /// <summary>Whether <paramref name="outputs"/> depend on the values of <paramref name="inputs"/> (see <see cref="CustomDerivatives.DependsOnValuesOf"/>).</summary>
    public static bool DependsOnValuesOf(Variable[] inputs, Variable[] outputs) =>
        CustomDerivatives.DependsOnValuesOf(inputs, outputs);
}
