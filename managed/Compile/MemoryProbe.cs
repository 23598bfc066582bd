using TorchSharp;

namespace Gradient.Compile;

/// <summary>
/// Measures the memory compiled functions hold while they run on the current thread: the bytes of the distinct tensor
/// buffers their VMs keep in their slots (the values they computed, not the arguments, constants or shared values
/// they read), now and at the peak. Nested functions (the inner graph of an <see cref="Ops.OpFromGraph"/>) count into
/// the same probe, so the peak of a gradient call is the figure that checkpointing lowers.
/// </summary>
/// <remarks>
/// Buffers are told apart by their storage: a view shares its base's buffer and adds nothing, an output written in
/// place of a dead input replaces it. The probe is a diagnostic: starting one is explicit (<see cref="Start"/>), it
/// lasts until disposed, and without one the VM pays a single null check per step.
/// <code>
/// using (var probe = MemoryProbe.Start())
/// {
///     f.Call(x);
///     Console.WriteLine(probe.PeakBytes);
/// }
/// </code>
/// </remarks>
public sealed class MemoryProbe : IDisposable
{
    [ThreadStatic]
    private static MemoryProbe? t_current;

    private readonly MemoryProbe? _outer;
    private readonly Dictionary<IntPtr, (long Bytes, int Holders)> _buffers = [];
    private bool _disposed;

    private MemoryProbe(MemoryProbe? outer) => _outer = outer;

    /// <summary>The probe that functions running on this thread report to, or null.</summary>
    internal static MemoryProbe? Current => t_current;

    /// <summary>Bytes of the distinct buffers held now.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>The largest <see cref="LiveBytes"/> seen since the probe started.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>The number of distinct buffers held now.</summary>
    public int LiveBuffers => _buffers.Count;

    /// <summary>The largest <see cref="LiveBuffers"/> seen since the probe started.</summary>
    public int PeakBuffers { get; private set; }

    /// <summary>Starts a probe on this thread (it replaces an outer one until disposed).</summary>
    public static MemoryProbe Start() => t_current = new MemoryProbe(t_current);

    /// <summary>Forgets the peaks: they restart from what is held now.</summary>
    public void ResetPeak()
    {
        PeakBytes = LiveBytes;
        PeakBuffers = _buffers.Count;
    }

    /// <summary>Stops the probe; the outer probe, if any, is current again.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (ReferenceEquals(t_current, this))
        {
            t_current = _outer;
        }
    }

    /// <summary>A VM slot now holds <paramref name="t"/>.</summary>
    internal void Hold(torch.Tensor t)
    {
        var (key, bytes) = Buffer(t);
        if (_buffers.TryGetValue(key, out var entry))
        {
            _buffers[key] = (entry.Bytes, entry.Holders + 1);
            return;
        }
        _buffers[key] = (bytes, 1);
        LiveBytes += bytes;
        PeakBytes = Math.Max(PeakBytes, LiveBytes);
        PeakBuffers = Math.Max(PeakBuffers, _buffers.Count);
    }

    /// <summary>A VM slot no longer holds <paramref name="t"/> (freed, handed over, or returned).</summary>
    internal void Release(torch.Tensor t)
    {
        var (key, _) = Buffer(t);
        if (!_buffers.TryGetValue(key, out var entry))
        {
            return;
        }
        if (entry.Holders > 1)
        {
            _buffers[key] = (entry.Bytes, entry.Holders - 1);
            return;
        }
        _buffers.Remove(key);
        LiveBytes -= entry.Bytes;
    }

    /// <summary>The buffer under <paramref name="t"/>: its storage's address and size.</summary>
    private static (IntPtr Key, long Bytes) Buffer(torch.Tensor t)
    {
        if (t.is_sparse)
        {
            return (t.Handle, t.NumberOfElements * t.ElementSize);
        }
        try
        {
            switch (t.dtype)
            {
                case torch.ScalarType.Float64:
                    return Of(t.storage<double>());
                case torch.ScalarType.Float32:
                    return Of(t.storage<float>());
                case torch.ScalarType.Int64:
                    return Of(t.storage<long>());
                case torch.ScalarType.Int32:
                    return Of(t.storage<int>());
                case torch.ScalarType.Byte:
                    return Of(t.storage<byte>());
                case torch.ScalarType.Bool:
                    return Of(t.storage<bool>());
            }
        }
        catch (NotSupportedException)
        {
        }
        // No storage view for this element type in TorchSharp: the tensor's own elements, keyed by its handle.
        return (t.Handle, t.NumberOfElements * t.ElementSize);

        static (IntPtr, long) Of<T>(torch.Storage<T> storage) where T : unmanaged
        {
            using (storage)
            {
                return (storage.data_ptr(), (long)storage.nbytes());
            }
        }
    }
}
