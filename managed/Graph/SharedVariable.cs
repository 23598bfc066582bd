using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Graph;

/// <summary>
/// A variable with a value that persists between calls and that compiled functions read, and may update, implicitly
/// (Aesara's <c>SharedVariable</c>). The variable owns its tensor; reads and writes copy unless told to borrow.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="GetValue"/>, <see cref="SetValue"/> and the compiled functions that read or update the
/// variable all take its lock, so a value is replaced whole, between calls (see <see cref="Compile.Function"/>).
/// </remarks>
public sealed class SharedVariable : Variable, IDisposable
{
    private torch.Tensor _value;
    private readonly object _lock = new();

    /// <summary>
    /// Creates a shared variable holding <paramref name="value"/> (copied unless <paramref name="borrow"/>), typed by
    /// the value's dtype with every length unknown except that <paramref name="shape"/> may fix them.
    /// </summary>
    public SharedVariable(torch.Tensor value, string? name = null, bool borrow = false, IReadOnlyList<long?>? shape = null)
        : base(TypeOf(Usable(value, $"shared {name}"), shape), null, 0, name)
    {
        if (Type.Mismatch(value.Lengths()) is { } why)
        {
            throw new ArgumentException($"shared {name}: {why}", nameof(value));
        }
        _value = Own(value, borrow);
    }

    /// <summary>
    /// The current value: a copy, or with <paramref name="borrow"/> the variable's own tensor (which a later update
    /// replaces, never mutates). It lives on the device of the function that used the variable last (the CPU before
    /// any did).
    /// </summary>
    public torch.Tensor GetValue(bool borrow = false)
    {
        lock (_lock)
        {
            var value = Live();
            return borrow ? value.alias() : value.clone();
        }
    }

    /// <summary>
    /// Replaces the value (copied unless <paramref name="borrow"/>). It must fit the variable's type; a dtype that
    /// converts without loss is converted.
    /// </summary>
    public void SetValue(torch.Tensor value, bool borrow = false)
    {
        Usable(value, $"{Describe()}.set_value");
        if (Type.Mismatch(value.Lengths()) is { } why)
        {
            throw new ArgumentException($"{Describe()}.set_value: {why}", nameof(value));
        }
        var dtype = DTypes.FromTorch(value.dtype);
        if (dtype != DType && !DTypes.CanCastSafely(dtype, DType))
        {
            throw new ArgumentException(
                $"{Describe()}.set_value: expected dtype {DType.Name()}; got {dtype.Name()}, which would lose precision",
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

    /// <summary>
    /// The lock that guards the value; compiled functions take the locks of several variables in ascending
    /// <see cref="Variable.Id"/> order.
    /// </summary>
    internal object Gate => _lock;

    /// <summary>
    /// A new handle on the value a function on <paramref name="device"/> reads: the current tensor, moved there first
    /// when it lives elsewhere. The moved tensor replaces the stored one, so a value is moved once, not in every call
    /// (it then lives where the function that used it last runs; <see cref="GetValue"/> returns it there).
    /// Functions never mutate the value.
    /// </summary>
    internal torch.Tensor AliasOn(torch.Device device)
    {
        lock (_lock)
        {
            var value = Live();
            if (!Devices.IsOn(value, device))
            {
                var moved = value.to(device).DetachFromDisposeScope();
                value.Dispose();
                _value = moved;
            }
            return _value.alias();
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

    /// <summary>Frees the value; the variable cannot be read, set or used by a function afterwards.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _value.Dispose();
        }
    }

    private torch.Tensor Live() => _value.IsInvalid
        ? throw new ObjectDisposedException(Describe(), $"{Describe()} was disposed; its value is gone")
        : _value;

    /// <summary>The variable's type: the value's dtype, and <paramref name="shape"/> or every length unknown.</summary>
    private static TensorType TypeOf(torch.Tensor value, IReadOnlyList<long?>? shape) =>
        new(DTypes.FromTorch(value.dtype), shape ?? value.Lengths().Select(_ => (long?)null).ToArray());

    /// <summary>A tensor a shared variable can hold: not null, not disposed, dense.</summary>
    private static torch.Tensor Usable(torch.Tensor? value, string who)
    {
        Guard.NotNull(value, who, "value");
        if (value.IsInvalid)
        {
            throw new ArgumentException($"{who}: the tensor given was disposed", nameof(value));
        }
        if (value.is_sparse)
        {
            throw new ArgumentException($"{who}: expected a dense tensor; got a sparse one (use to_dense())",
                nameof(value));
        }
        return value;
    }

    /// <inheritdoc/>
    public override string ToString() => Name ?? $"<{Type}>";

    private string Describe() => Name is null ? $"shared variable <{Type}>" : $"shared variable {Name}";

    private static torch.Tensor Own(torch.Tensor value, bool borrow)
    {
        using var detached = value.detach();
        return (borrow ? detached.alias() : detached.clone()).DetachFromDisposeScope();
    }
}

/// <summary>Aesara's <c>aesara.shared</c> for .NET users.</summary>
public static class Shared
{
    /// <summary>A shared variable holding a copy of <paramref name="value"/> (or the tensor itself with <paramref name="borrow"/>).</summary>
    public static SharedVariable Create(torch.Tensor value, string? name = null, bool borrow = false) =>
        new(value, name, borrow);

    /// <summary>
    /// A shared variable holding a copy of a .NET array (any rank, e.g. <c>double[,]</c>) or a number
    /// (<c>double</c>, <c>float</c>, <c>long</c>, <c>int</c>, <c>bool</c>), typed by its element type.
    /// </summary>
    public static SharedVariable Create(object value, string? name = null)
    {
        using var tensor = Values.ToTensor(value, $"shared {name}");
        return new SharedVariable(tensor, name, borrow: true);
    }
}

/// <summary>Conversions of .NET values (arrays and numbers) to tensors.</summary>
public static class Values
{
    /// <summary>
    /// A new tensor from a <see cref="torch.Tensor"/> (aliased), a .NET array of any rank or a number; the array's
    /// element type gives the dtype.
    /// </summary>
    /// <exception cref="ArgumentException">An element type or value kind with no tensor dtype.</exception>
    public static torch.Tensor ToTensor(object value, string what) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), $"{what}: expected a tensor, array or number; got null"),
        torch.Tensor t => t.alias(),
        double d => torch.tensor(d, torch.float64),
        float f => torch.tensor(f, torch.float32),
        long l => torch.tensor(l, torch.int64),
        int i => torch.tensor(i, torch.int32),
        bool b => torch.tensor(b),
        Array a when a.GetType().GetElementType() is { } e && IsSupported(e) => torch.from_array(a).clone(),
        _ => throw new ArgumentException(
            $"{what}: expected a tensor, an array of bool, byte, sbyte, short, int, long, float or double, or a " +
            $"number; got {value.GetType().Name}", nameof(value)),
    };

    private static bool IsSupported(Type e) =>
        e == typeof(double) || e == typeof(float) || e == typeof(long) || e == typeof(int) || e == typeof(short)
        || e == typeof(sbyte) || e == typeof(byte) || e == typeof(bool);
}
