using System.Runtime.InteropServices;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Interop;

/// <summary>
/// The facade <c>sharpgrad</c> calls through pythonnet. It speaks in types pythonnet converts cheaply (strings,
/// numbers, arrays of them, engine handles) and moves array data by pointer, never element by element.
/// </summary>
public static partial class PyApi
{
    /// <summary>Aesara's <c>debugprint</c> text of the graph of <paramref name="outputs"/>.</summary>
    public static string DebugPrint(Variable[] outputs, bool printType) => Printing.DebugPrint.Graph(outputs, printType);

    /// <summary>Aesara's <c>debugprint</c> text of a compiled function.</summary>
    public static string DebugPrintFunction(PyFunction function, bool printType) =>
        Printing.DebugPrint.Function(function.Function, printType);

    /// <summary>Sets <see cref="Config.FloatX"/> ('float32' or 'float64').</summary>
    public static void SetFloatX(string dtype) => Config.FloatX = DTypes.Parse(dtype);

    /// <summary>
    /// Sets <see cref="Config.Device"/> ('cpu', 'cuda', 'cuda:N', 'cudaN'); a CUDA device this process cannot use
    /// raises <see cref="DeviceUnavailableException"/> saying what was looked for.
    /// </summary>
    public static void SetDevice(string device) => Config.Device = device;

    /// <summary>The canonical name of a device ('cpu', 'cuda:N'); the spelling only is checked.</summary>
    public static string DeviceName(string device) => Devices.Name(Devices.Parse(device));

    /// <summary>Whether libtorch can run kernels on a CUDA GPU in this process.</summary>
    public static bool CudaAvailable() => Devices.CudaAvailable;

    /// <summary>What libtorch reports about CUDA in this process, and which libraries were looked for.</summary>
    public static string CudaReport() => Devices.CudaReport();

    /// <summary>The device a compiled function runs on ('cpu', 'cuda:N').</summary>
    public static string FunctionDevice(PyFunction function) => function.Function.Device;

    /// <summary>A symbolic tensor; -1 in <paramref name="shape"/> marks an unknown length.</summary>
    public static Variable Tensor(string dtype, long[] shape, string? name) =>
        T.Tensor(DTypes.Parse(dtype), shape.Select(n => n < 0 ? (long?)null : n).ToArray(), name);

    /// <summary>A constant from a bare Python float (weak: it does not upcast the tensors it meets).</summary>
    public static Variable FloatConstant(double value) => T.Constant(value);

    /// <summary>A constant from a bare Python int (weak, smallest fitting integer dtype).</summary>
    public static Variable IntConstant(long value) => T.Constant(value);

    /// <summary>A constant holding a copy of a C-contiguous array at <paramref name="data"/>.</summary>
    public static Variable ArrayConstant(long data, long[] shape, string dtype, string? name)
    {
        using var t = Kernels.Kernels.FromPointer(new IntPtr(data), shape, DTypes.Parse(dtype));
        return T.Constant(t, name);
    }

    /// <summary>Applies a one-input element-wise function by its Aesara name.</summary>
    public static Variable Unary(string op, Variable x) => op switch
    {
        "neg" => T.Neg(x),
        "exp" => T.Exp(x),
        "log" => T.Log(x),
        "tanh" => T.Tanh(x),
        "sqr" => T.Sqr(x),
        _ => throw new ArgumentException($"unary op: expected neg, exp, log, tanh or sqr; got '{op}'", nameof(op)),
    };

    /// <summary>Applies a two-input element-wise function by its Aesara name.</summary>
    public static Variable Binary(string op, Variable a, Variable b) => op switch
    {
        "add" => T.Add(a, b),
        "sub" => T.Sub(a, b),
        "mul" => T.Mul(a, b),
        "true_div" => T.TrueDiv(a, b),
        "pow" => T.Pow(a, b),
        "dot" => T.Dot(a, b),
        _ => throw new ArgumentException($"binary op: expected add, sub, mul, true_div, pow or dot; got '{op}'",
            nameof(op)),
    };

    /// <summary>Sum over all axes (<paramref name="axis"/> null) or one axis.</summary>
    public static Variable Sum(Variable x, int? axis, bool keepdims) => T.Sum(x, axis, keepdims);

    /// <summary>Ones (<paramref name="zeros"/> false) or zeros shaped and typed like <paramref name="x"/>.</summary>
    public static Variable Like(Variable x, bool zeros) => zeros ? T.ZerosLike(x) : T.OnesLike(x);

    /// <summary>Reverses the axes.</summary>
    public static Variable Transpose(Variable x) => T.Transpose(x);

    /// <summary>Conversion to <paramref name="dtype"/>.</summary>
    public static Variable Cast(Variable x, string dtype) => T.Cast(x, DTypes.Parse(dtype));

    /// <summary>Static shape with -1 for unknown lengths.</summary>
    public static long[] StaticShape(Variable v) => v.Type.Shape.Select(n => n ?? -1).ToArray();

    /// <summary>The numpy name of the variable's dtype.</summary>
    public static string DTypeName(Variable v) => v.DType.Name();

    /// <summary>Reverse-mode gradients; <paramref name="disconnectedInputs"/> is 'raise', 'warn' or 'ignore'.</summary>
    public static Variable[] Grad(Variable cost, Variable[] wrt, string disconnectedInputs, bool addNames) =>
        Autodiff.Grad(cost, wrt, new GradOptions
        {
            DisconnectedInputs = Policy(disconnectedInputs, "disconnected_inputs"),
            AddNames = addNames,
        });

    /// <summary>
    /// Compiles a function. Updates and givens come as parallel arrays of keys and values; the policy is 'raise',
    /// 'warn' or 'ignore'; <paramref name="device"/> is a device name, or null for <see cref="Config.Device"/>. Outputs
    /// are read back to numpy from any device.
    /// </summary>
    public static PyFunction Compile(Variable[] inputs, Variable[] outputs, SharedVariable[] updateTargets,
        Variable[] updateValues, Variable[] givenKeys, Variable[] givenValues, string onUnusedInput,
        bool allowInputDowncast, string? name, string? device = null)
    {
        if (updateTargets.Length != updateValues.Length || givenKeys.Length != givenValues.Length)
        {
            throw new ArgumentException("function: updates and givens must pair each key with one value");
        }
        var givens = new Dictionary<Variable, Variable>();
        for (int i = 0; i < givenKeys.Length; i++)
        {
            if (givenKeys[i].Type.DType != givenValues[i].Type.DType || givenKeys[i].Ndim != givenValues[i].Ndim)
            {
                throw new InvalidCastException(
                    $"function: givens must replace a variable by one of the same type; {givenKeys[i]} is " +
                    $"{givenKeys[i].Type} but its replacement is {givenValues[i].Type}");
            }
            givens[givenKeys[i]] = givenValues[i];
        }
        var options = new CompileOptions
        {
            Updates = updateTargets.Zip(updateValues, (k, v) => new KeyValuePair<SharedVariable, Variable>(k, v)).ToArray(),
            Givens = givens,
            OnUnusedInput = onUnusedInput switch
            {
                "raise" => UnusedInputPolicy.Raise,
                "warn" => UnusedInputPolicy.Warn,
                "ignore" => UnusedInputPolicy.Ignore,
                _ => throw new ArgumentException(
                    $"on_unused_input: expected 'raise', 'warn' or 'ignore'; got '{onUnusedInput}'"),
            },
            AllowInputDowncast = allowInputDowncast,
            Name = name,
            Device = device,
        };
        return new PyFunction(Function.Compile(inputs, outputs, options));
    }

    /// <summary>A shared variable holding a copy of the C-contiguous array at <paramref name="data"/>.</summary>
    public static SharedVariable Shared(long data, long[] shape, string dtype, string? name)
    {
        using var t = Kernels.Kernels.FromPointer(new IntPtr(data), shape, DTypes.Parse(dtype));
        return new SharedVariable(t, name, borrow: true);
    }

    /// <summary>Replaces a shared variable's value by a copy of the array at <paramref name="data"/>.</summary>
    public static void SetShared(SharedVariable shared, long data, long[] shape, string dtype)
    {
        using var t = Kernels.Kernels.FromPointer(new IntPtr(data), shape, DTypes.Parse(dtype));
        shared.SetValue(t, borrow: true);
    }

    /// <summary>A shared variable's current value, to be read back with <see cref="PyResults.CopyAllAndDispose"/>.</summary>
    public static PyResults GetShared(SharedVariable shared) => new([shared.GetValue(borrow: true)]);

    /// <summary>True when <paramref name="v"/> is a shared variable.</summary>
    public static bool IsShared(Variable v) => v is SharedVariable;

    private static DisconnectedPolicy Policy(string value, string argument) => value switch
    {
        "raise" => DisconnectedPolicy.Raise,
        "warn" => DisconnectedPolicy.Warn,
        "ignore" => DisconnectedPolicy.Ignore,
        _ => throw new ArgumentException($"{argument}: expected 'raise', 'warn' or 'ignore'; got '{value}'", argument),
    };
}

/// <summary>A compiled function as Python sees it: called through <see cref="FastCall"/> by its <see cref="Handle"/>.</summary>
public sealed class PyFunction(Function function)
{
    private IntPtr _handle;

    /// <summary>The compiled function.</summary>
    public Function Function { get; } = function;

    /// <summary>
    /// A weak GC handle to this object: Python keeps the object alive through pythonnet while it may call, and the
    /// handle is freed with the object.
    /// </summary>
    internal IntPtr Handle
    {
        get
        {
            lock (this)
            {
                if (_handle == IntPtr.Zero)
                {
                    _handle = GCHandle.ToIntPtr(GCHandle.Alloc(this, GCHandleType.Weak));
                }
                return _handle;
            }
        }
    }

    /// <summary>Frees the handle.</summary>
    ~PyFunction()
    {
        if (_handle != IntPtr.Zero)
        {
            GCHandle.FromIntPtr(_handle).Free();
        }
    }

    /// <summary>For each input, whether the outputs or updates need it.</summary>
    public bool[] UsedInputs()
    {
        var roots = GraphOrder.GraphInputs(Function.Graph.Outputs, Function.Inputs.ToHashSet()).ToHashSet();
        return Function.Inputs.Select(roots.Contains).ToArray();
    }
}

/// <summary>Output tensors of one call, read back into numpy arrays allocated by Python, then disposed.</summary>
public sealed class PyResults(TorchSharp.torch.Tensor[] tensors) : IDisposable
{
    /// <summary>
    /// Every output's dtype and shape in one array: <c>[count, then per output: dtype index (<see cref="DType"/>
    /// order), rank, lengths...]</c>.
    /// </summary>
    public long[] Layout()
    {
        var layout = new List<long> { tensors.Length };
        foreach (var t in tensors)
        {
            layout.Add((long)DTypes.FromTorch(t.dtype));
            layout.Add(t.dim());
            layout.AddRange(t.Lengths());
        }
        return layout.ToArray();
    }

    /// <summary>Copies every output into the buffers at <paramref name="destinations"/>, then frees the tensors.</summary>
    public void CopyAllAndDispose(long[] destinations)
    {
        try
        {
            for (int i = 0; i < tensors.Length; i++)
            {
                Kernels.Kernels.CopyToPointer(tensors[i], new IntPtr(destinations[i]));
            }
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Frees the native tensors.</summary>
    public void Dispose()
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
