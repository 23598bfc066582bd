using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gradient.Kernels;
using Python.Runtime;
using TorchSharp;

namespace Gradient.Interop;

/// <summary>
/// The call path of compiled functions from Python: entry points that <c>ctypes</c> calls directly, with the argument
/// and output tuples passed as Python object pointers. The numpy arrays are read in place (their memory is borrowed,
/// not copied) and results are copied straight into numpy arrays Python allocated, so a call crosses into .NET once
/// and converts nothing element by element.
/// </summary>
/// <remarks>
/// Python calls these with the GIL held (<c>ctypes.PYFUNCTYPE</c>), so the objects read here cannot change during a
/// call. <see cref="Call"/> releases the GIL while the compiled function runs (after the arguments were read, before
/// the outputs are written), so Python threads calling compiled functions run them in parallel, and a call waiting
/// for a shared variable's lock never blocks the Python code another call runs (a Python op retakes the GIL).
/// The layouts read are CPython's tuple (<c>ob_size</c> at 16, items from 24) and numpy's array object
/// (<c>PyArrayObject_fields</c>: data at 16, nd at 24, dimensions at 32, strides at 40, descr at 56, flags at 64) and
/// descriptor (byteorder at 26, type_num at 28), all part of numpy's ABI in versions 1 and 2.
/// Return codes: <see cref="Done"/>, <see cref="NewLayout"/> (results kept for <see cref="CopyPending"/>),
/// <see cref="Failed"/> (exception kept for <see cref="TakeError"/>) and <see cref="AdmitInPython"/> (an argument
/// needs Python's conversion rules: not an ndarray, an unsupported dtype or byte order, negative strides).
/// </remarks>
public static unsafe class FastCall
{
    /// <summary>Every output was copied into the arrays given.</summary>
    public const int Done = 0;

    /// <summary>The outputs do not fit the arrays given; their layout waits in <see cref="PendingLayout"/>.</summary>
    public const int NewLayout = 1;

    /// <summary>The call raised; the exception waits in <see cref="TakeError"/>.</summary>
    public const int Failed = 2;

    /// <summary>An argument must be converted by Python first.</summary>
    public const int AdmitInPython = 3;

    private const int NpyCContiguous = 0x1;
    private const int NpyAligned = 0x100;

    private static IntPtr s_ndarrayType;

    [ThreadStatic]
    private static Exception? t_error;

    [ThreadStatic]
    private static torch.Tensor[]? t_pending;

    [ThreadStatic]
    private static long[]? t_lastInputAddresses;

    /// <summary>Records the address of numpy's <c>ndarray</c> type object (Python's <c>id(numpy.ndarray)</c>).</summary>
    public static void Initialize(long ndarrayType) => s_ndarrayType = new IntPtr(ndarrayType);

    /// <summary>Addresses of <see cref="Call"/>, <see cref="PendingLayout"/> and <see cref="CopyPending"/>, in that order.</summary>
    public static long[] EntryPoints() =>
    [
        (long)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, int>)&Call,
        (long)(delegate* unmanaged[Cdecl]<long*, int, int>)&PendingLayout,
        (long)(delegate* unmanaged[Cdecl]<IntPtr, int>)&CopyPending,
    ];

    /// <summary>A handle <see cref="Call"/> accepts for <paramref name="function"/>, valid while it lives.</summary>
    public static long Handle(PyFunction function) => function.Handle.ToInt64();

    /// <summary>The exception of the last failed call on this thread (then forgotten).</summary>
    public static Exception? TakeError()
    {
        var error = t_error;
        t_error = null;
        return error;
    }

    /// <summary>
    /// The memory addresses the engine read the last call's arguments from, on this thread (diagnostics: equal to the
    /// numpy arrays' own addresses when nothing was copied).
    /// </summary>
    public static long[] LastInputAddresses() => t_lastInputAddresses ?? [];

    /// <summary>
    /// Runs a compiled function on the numpy arrays of the tuple <paramref name="args"/> and copies its outputs into
    /// the arrays of the tuple <paramref name="outs"/> when they have the outputs' dtypes and shapes.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Call(IntPtr function, IntPtr args, IntPtr outs)
    {
        torch.Tensor[]? borrowed = null;
        try
        {
            if (GCHandle.FromIntPtr(function).Target is not PyFunction target)
            {
                throw new ObjectDisposedException("function", "the compiled function was released");
            }
            long count = TupleSize(args);
            if (count != target.Function.Inputs.Count)
            {
                return AdmitInPython;
            }
            borrowed = new torch.Tensor[count];
            var addresses = new long[count];
            for (int i = 0; i < count; i++)
            {
                if (Borrow(TupleItem(args, i), target.Function.Inputs[i].DType, target.Function.AllowInputDowncast)
                    is not { } tensor)
                {
                    return AdmitInPython;
                }
                borrowed[i] = tensor;
                addresses[i] = Kernels.Kernels.DataAddress(tensor);
            }
            t_lastInputAddresses = addresses;
            torch.Tensor[] results;
            var thread = PythonEngine.BeginAllowThreads();
            try
            {
                results = target.Function.Call(borrowed);
            }
            finally
            {
                PythonEngine.EndAllowThreads(thread);
            }
            if (Fits(results, outs))
            {
                CopyAndDispose(results, outs);
                return Done;
            }
            DisposePending(); // results a caller never collected (e.g. interrupted between the two calls)
            t_pending = results;
            return NewLayout;
        }
        catch (Exception e)
        {
            t_error = e;
            return Failed;
        }
        finally
        {
            if (borrowed is not null)
            {
                foreach (var t in borrowed)
                {
                    t?.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Writes the waiting results' layout, <c>[count, then per output: dtype index (<see cref="DType"/> order), rank,
    /// lengths...]</c>, into <paramref name="buffer"/>; returns its length (larger than <paramref name="capacity"/>:
    /// nothing written, call again with more room).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int PendingLayout(long* buffer, int capacity)
    {
        var pending = t_pending ?? [];
        int length = 1 + pending.Sum(t => 2 + (int)t.dim());
        if (length <= capacity)
        {
            int at = 0;
            buffer[at++] = pending.Length;
            foreach (var t in pending)
            {
                buffer[at++] = (long)DTypes.FromTorch(t.dtype);
                buffer[at++] = t.dim();
                foreach (long n in t.Lengths())
                {
                    buffer[at++] = n;
                }
            }
        }
        return length;
    }

    /// <summary>Copies the waiting results into the arrays of the tuple <paramref name="outs"/> and frees them.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CopyPending(IntPtr outs)
    {
        var pending = t_pending ?? [];
        t_pending = null;
        try
        {
            if (!Fits(pending, outs))
            {
                throw new ArgumentException("outputs: the arrays given do not match the results' layout");
            }
            CopyAndDispose(pending, outs);
            return Done;
        }
        catch (Exception e)
        {
            foreach (var t in pending)
            {
                t.Dispose();
            }
            t_error = e;
            return Failed;
        }
    }

    private static void DisposePending()
    {
        foreach (var t in t_pending ?? [])
        {
            t.Dispose();
        }
        t_pending = null;
    }

    /// <summary>
    /// A tensor over an ndarray's memory, or null when the array needs Python's conversion first (or Python's error:
    /// a dtype that does not convert to <paramref name="want"/> without loss).
    /// </summary>
    private static torch.Tensor? Borrow(IntPtr array, DType want, bool downcast)
    {
        if (s_ndarrayType == IntPtr.Zero || *(IntPtr*)(array + 8) != s_ndarrayType)
        {
            return null;
        }
        var descr = *(IntPtr*)(array + 56);
        byte byteOrder = *(byte*)(descr + 26);
        if (byteOrder == (byte)'>' || (*(int*)(array + 64) & NpyAligned) == 0 || DTypeOf(*(int*)(descr + 28)) is not { } dtype
            || (dtype != want && !downcast && !DTypes.CanCastSafely(dtype, want)))
        {
            return null;
        }
        int rank = *(int*)(array + 24);
        var lengths = new ReadOnlySpan<long>(*(long**)(array + 32), rank);
        var byteStrides = new ReadOnlySpan<long>(*(long**)(array + 40), rank);
        Span<long> strides = stackalloc long[rank];
        long size = dtype.ItemSize();
        for (int i = 0; i < rank; i++)
        {
            // A length-1 axis may carry any stride; libtorch ignores it, so make it harmless.
            long stride = lengths[i] <= 1 ? 0 : byteStrides[i];
            if (stride < 0 || stride % size != 0)
            {
                return null;
            }
            strides[i] = stride / size;
        }
        return Kernels.Kernels.Borrow(*(IntPtr*)(array + 16), lengths, strides, dtype);
    }

    /// <summary>Whether the tuple <paramref name="outs"/> holds one C-contiguous ndarray per result, of its dtype and shape.</summary>
    private static bool Fits(torch.Tensor[] results, IntPtr outs)
    {
        if (TupleSize(outs) != results.Length)
        {
            return false;
        }
        for (int i = 0; i < results.Length; i++)
        {
            var array = TupleItem(outs, i);
            if (*(IntPtr*)(array + 8) != s_ndarrayType || (*(int*)(array + 64) & NpyCContiguous) == 0)
            {
                return false;
            }
            var descr = *(IntPtr*)(array + 56);
            var dims = new ReadOnlySpan<long>(*(long**)(array + 32), *(int*)(array + 24));
            if (DTypeOf(*(int*)(descr + 28)) != DTypes.FromTorch(results[i].dtype) || *(byte*)(descr + 26) == (byte)'>'
                || !dims.SequenceEqual(results[i].Lengths()))
            {
                return false;
            }
        }
        return true;
    }

    private static void CopyAndDispose(torch.Tensor[] results, IntPtr outs)
    {
        try
        {
            for (int i = 0; i < results.Length; i++)
            {
                Kernels.Kernels.CopyToPointer(results[i], *(IntPtr*)(TupleItem(outs, i) + 16));
            }
        }
        finally
        {
            foreach (var t in results)
            {
                t.Dispose();
            }
        }
    }

    private static long TupleSize(IntPtr tuple) => *(long*)(tuple + 16);

    private static IntPtr TupleItem(IntPtr tuple, int index) => *(IntPtr*)(tuple + 24 + 8 * index);

    /// <summary>The engine dtype of a numpy type number (Linux x86-64 sizes), or null for one it lacks.</summary>
    private static DType? DTypeOf(int typeNum) => typeNum switch
    {
        0 => DType.Bool,
        1 => DType.Int8,
        2 => DType.UInt8,
        3 => DType.Int16,
        5 => DType.Int32,
        7 or 9 => DType.Int64,
        11 => DType.Float32,
        12 => DType.Float64,
        14 => DType.Complex64,
        15 => DType.Complex128,
        23 => DType.Float16,
        _ => null,
    };
}
