using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

public static partial class Kernels
{
    // libtorch's from_blob through LibTorchSharp's THSTensor_new, which TorchSharp keeps internal. Resolved once from the
    // library TorchSharp itself loaded.
    private static unsafe delegate* unmanaged[Cdecl]<IntPtr, IntPtr, long*, int, sbyte, sbyte, int, int, byte, IntPtr> s_fromBlob;

    /// <summary>
    /// A tensor over memory the caller owns, without copying: <paramref name="strides"/> are in elements (numpy's
    /// byte strides divided by the item size) and must not be negative. The caller must keep the memory alive and
    /// unchanged while the tensor or any view of it lives; libtorch never frees it.
    /// </summary>
    /// <exception cref="ArgumentException">A negative length or stride, or lengths and strides of different ranks.</exception>
    public static unsafe Tensor Borrow(IntPtr data, ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, DType dtype)
    {
        if (shape.Length != strides.Length)
        {
            throw new ArgumentException($"borrow: {shape.Length} lengths but {strides.Length} strides");
        }
        // The buffer spans one element past the farthest one addressed; libtorch only sees that span.
        long span = 1;
        bool contiguous = true;
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] < 0 || strides[i] < 0)
            {
                throw new ArgumentException(
                    $"borrow: expected non-negative lengths and strides; got {Show(shape.ToArray())} and {Show(strides.ToArray())}");
            }
            if (shape[i] == 0)
            {
                span = 0;
            }
            else if (span > 0)
            {
                span += (shape[i] - 1) * strides[i];
            }
            contiguous &= shape[i] == 1 || strides[i] == expected;
            expected *= shape[i];
        }
        var type = (sbyte)dtype.ToTorch();
        if (contiguous)
        {
            fixed (long* lengths = shape)
            {
                return Wrap(FromBlob(data, lengths, shape.Length, type));
            }
        }
        using var flat = Wrap(FromBlob(data, &span, 1, type));
        return flat.as_strided(shape.ToArray(), strides.ToArray());
    }

    /// <summary>The address of the first element of <paramref name="t"/> (diagnostics: tells a borrowed tensor's memory).</summary>
    public static unsafe long DataAddress(Tensor t)
    {
        if (s_data == null)
        {
            s_data = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Export("THSTensor_data");
        }
        return s_data(t.Handle).ToInt64();
    }

    private static unsafe delegate* unmanaged[Cdecl]<IntPtr, IntPtr> s_data;

    private static unsafe IntPtr FromBlob(IntPtr data, long* lengths, int rank, sbyte type)
    {
        if (s_fromBlob == null)
        {
            s_fromBlob = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, long*, int, sbyte, sbyte, int, int, byte, IntPtr>)
                Export("THSTensor_new");
        }
        delegate* unmanaged[Cdecl]<IntPtr, void> keep = &KeepMemory;
        return s_fromBlob(data, (IntPtr)keep, lengths, rank, type, type, 0, 0, 0);
    }

    /// <summary>An export of the LibTorchSharp library TorchSharp itself loaded.</summary>
    private static IntPtr Export(string name)
    {
        torch.empty(0).Dispose(); // host: makes TorchSharp load its native library first
        var library = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, DllImportSearchPath.AssemblyDirectory);
        return NativeLibrary.GetExport(library, name);
    }

    private static Tensor Wrap(IntPtr handle)
    {
        if (handle == IntPtr.Zero)
        {
            torch.CheckForErrors();
            throw new InvalidOperationException("borrow: libtorch returned no tensor");
        }
        return Tensor.UnsafeCreateTensor(handle);
    }

    /// <summary>libtorch's deleter for borrowed memory: the memory belongs to the caller, so nothing is freed.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void KeepMemory(IntPtr memory)
    {
    }
}
