using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Graph;

/// <summary>
/// A variable with a value that persists between calls and that compiled functions read, and may update, implicitly
/// (Aesara's <c>SharedVariable</c>). The variable owns its tensor; reads and writes copy unless told to borrow.
/// </summary>
public sealed class SharedVariable : Variable, IDisposable
{
    private torch.Tensor _value;
    private readonly object _lock = new();

    /// <summary>
    /// Creates a shared variable holding <paramref name="value"/> (copied unless <paramref name="borrow"/>), typed by
    /// the value's dtype with every length unknown except that <paramref name="shape"/> may fix them.
    /// </summary>
    public SharedVariable(torch.Tensor value, string? name = null, bool borrow = false, IReadOnlyList<long?>? shape = null)
        : base(new TensorType(DTypes.FromTorch(value.dtype), shape ?? value.shape.Select(_ => (long?)null).ToArray()),
               null, 0, name)
    {
        if (Type.Mismatch(value.shape) is { } why)
        {
            throw new ArgumentException($"shared {name}: {why}", nameof(value));
        }
        _value = Own(value, borrow);
    }

    /// <summary>
    /// The current value: a copy, or with <paramref name="borrow"/> the variable's own tensor (which a later update
    /// replaces, never mutates).
    /// </summary>
    public torch.Tensor GetValue(bool borrow = false)
    {
        lock (_lock)
        {
            return borrow ? _value.alias() : _value.clone();
        }
    }

    /// <summary>
    /// Replaces the value (copied unless <paramref name="borrow"/>). It must fit the variable's type; a dtype that
    /// converts without loss is converted.
    /// </summary>
    public void SetValue(torch.Tensor value, bool borrow = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Type.Mismatch(value.shape) is { } why)
        {
            throw new ArgumentException($"shared {Name}.set_value: {why}", nameof(value));
        }
        var dtype = DTypes.FromTorch(value.dtype);
        if (dtype != DType && !DTypes.CanCastSafely(dtype, DType))
        {
            throw new ArgumentException(
                $"shared {Name}.set_value: expected dtype {DType.Name()}; got {dtype.Name()}, which would lose precision",
                nameof(value));
        }
        if (dtype == DType)
        {
            Swap(Own(value, borrow));
            return;
        }
        using var converted = value.to_type(DType.ToTorch());
        Swap(Own(converted, borrow: true));
    }

    /// <summary>The value a function reads in a call: the current tensor itself (functions never mutate it).</summary>
    internal torch.Tensor Current
    {
        get
        {
            lock (_lock)
            {
                return _value;
            }
        }
    }

    /// <summary>Installs a value a function computed (already owned, typed and shaped).</summary>
    internal void Swap(torch.Tensor owned)
    {
        torch.Tensor old;
        lock (_lock)
        {
            old = _value;
            _value = owned;
        }
        old.Dispose();
    }

    /// <summary>Frees the value.</summary>
    public void Dispose() => _value.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Name ?? $"<SharedVariable {Type}>";

    private static torch.Tensor Own(torch.Tensor value, bool borrow)
    {
        using var detached = value.detach();
        return (borrow ? detached.alias() : detached.clone()).DetachFromDisposeScope();
    }
}
