using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Graph;

/// <summary>
/// A value in the graph: an input (no owner), the output of an <see cref="Apply"/>, or a <see cref="Constant"/>.
/// Arithmetic operators build new graph nodes; nothing is computed until a <see cref="Compile.Function"/> runs.
/// </summary>
public partial class Variable
{
    /// <summary>Creates a variable; <paramref name="owner"/> is null for graph inputs.</summary>
    public Variable(TensorType type, Apply? owner = null, int index = 0, string? name = null)
    {
        Type = type;
        Id = Interlocked.Increment(ref s_nextId);
        Owner = owner;
        Index = index;
        Name = name;
    }

    private static long s_nextId;

    /// <summary>A process-wide unique number (Aesara's <c>auto_name</c> uses the same idea).</summary>
    public long Id { get; }

    /// <summary>The static type.</summary>
    public TensorType Type { get; }

    /// <summary>The node that computes this variable, or null for an input or constant.</summary>
    public Apply? Owner { get; }

    /// <summary>Which output of <see cref="Owner"/> this is.</summary>
    public int Index { get; }

    /// <summary>Optional name, used in printing and in gradient names like <c>(dcost/dx)</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Element type.</summary>
    public DType DType => Type.DType;

    /// <summary>Number of dimensions.</summary>
    public int Ndim => Type.Ndim;

    /// <summary>
    /// Hashes by <see cref="Id"/> (equality stays by reference): the graph algorithms keep every variable in hash
    /// tables, and the object header hash costs more.
    /// </summary>
    public sealed override int GetHashCode() => Id.GetHashCode();

    /// <summary>Reference equality (variables are identities, not values).</summary>
    public sealed override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>Name if set, otherwise the op that made it, else the type.</summary>
    public override string ToString() => Name ?? (Owner is null ? $"<{Type}>" : $"{Owner.Op}.{Index}");

#pragma warning disable CS1591 // The operators mean what their symbols say.
    public static Variable operator +(Variable a, Variable b) => T.Add(a, b);
    public static Variable operator +(Variable a, double b) => T.Add(a, T.Constant(b));
    public static Variable operator +(double a, Variable b) => T.Add(T.Constant(a), b);
    public static Variable operator -(Variable a, Variable b) => T.Sub(a, b);
    public static Variable operator -(Variable a, double b) => T.Sub(a, T.Constant(b));
    public static Variable operator -(double a, Variable b) => T.Sub(T.Constant(a), b);
    public static Variable operator *(Variable a, Variable b) => T.Mul(a, b);
    public static Variable operator *(Variable a, double b) => T.Mul(a, T.Constant(b));
    public static Variable operator *(double a, Variable b) => T.Mul(T.Constant(a), b);
    public static Variable operator /(Variable a, Variable b) => T.TrueDiv(a, b);
    public static Variable operator /(Variable a, double b) => T.TrueDiv(a, T.Constant(b));
    public static Variable operator /(double a, Variable b) => T.TrueDiv(T.Constant(a), b);
    public static Variable operator -(Variable a) => T.Neg(a);
#pragma warning restore CS1591

    /// <summary>Sum over all axes, or over <paramref name="axis"/>.</summary>
    public Variable Sum(int? axis = null, bool keepdims = false) => T.Sum(this, axis, keepdims);

    /// <summary>Element-wise power with exponent <paramref name="exponent"/>.</summary>
    public Variable Pow(double exponent) => T.Pow(this, T.Constant(exponent));

    /// <summary>numpy's <c>dot</c>.</summary>
    public Variable Dot(Variable other) => T.Dot(this, other);
}

/// <summary>A variable with a fixed value.</summary>
public sealed class Constant : Variable
{
    /// <summary>
    /// Wraps <paramref name="value"/>; the constant owns its copy. <paramref name="weak"/> records that the constant
    /// was made from a bare number (its dtype then came from Aesara's autocasting); promotion treats it like any
    /// other constant.
    /// </summary>
    public Constant(torch.Tensor value, bool weak = false, string? name = null)
        : base(TypeOf(value), null, 0, name)
    {
        using var detached = value.detach();
        Value = detached.clone().DetachFromDisposeScope();
        IsWeak = weak;
    }

    private Constant(torch.Tensor fresh, bool weak) : base(TypeOf(fresh))
    {
        Value = fresh.DetachFromDisposeScope();
        IsWeak = weak;
    }

    /// <summary>
    /// A constant that takes <paramref name="fresh"/> as its value without a copy: a tensor just made for it, which
    /// nothing else holds and which does not require grad (gradients build constants by the thousand).
    /// </summary>
    internal static Constant Adopt(torch.Tensor fresh, bool weak) => new(fresh, weak);

    /// <summary>
    /// One immutable 0-d tensor per (number, dtype) for the scalars made from bare numbers (gradients and rewrites
    /// make the same 0, 1, 2, 0.5 by the hundred thousand): constants never write into or dispose their value, so they
    /// can share it, and the tensors are not left to the finalizer. Bounded: past <see cref="SharedScalarLimit"/>
    /// distinct numbers, each constant gets its own tensor again.
    /// </summary>
    internal static torch.Tensor SharedScalar(long bits, bool isFloat, DType dtype, Func<long, DType, torch.Tensor> make)
    {
        var key = (bits, isFloat, dtype);
        if (s_sharedScalars.TryGetValue(key, out var found))
        {
            return found;
        }
        if (s_sharedScalars.Count >= SharedScalarLimit)
        {
            return make(bits, dtype);
        }
        var made = make(bits, dtype).DetachFromDisposeScope();
        return s_sharedScalars.TryAdd(key, made) ? made : Discard(made, s_sharedScalars[key]);
    }

    private static torch.Tensor Discard(torch.Tensor loser, torch.Tensor winner)
    {
        loser.Dispose();
        return winner;
    }

    private const int SharedScalarLimit = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long, bool, DType), torch.Tensor>
        s_sharedScalars = new();

    private static TensorType TypeOf(torch.Tensor value)
    {
        var lengths = value.Lengths();
        var shape = new long?[lengths.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = lengths[i];
        }
        return TensorType.Adopt(DTypes.FromTorch(value.dtype), shape);
    }

    /// <summary>
    /// The value, to read only: it is shared by every function that uses the constant and, for constants made from
    /// bare numbers, by every constant of that number and dtype, so it must never be disposed or written into.
    /// </summary>
    public torch.Tensor Value { get; }

    /// <summary>True for constants made from bare numbers (informational: it does not change promotion).</summary>
    public bool IsWeak { get; }

    /// <summary>The value as a double when it is a single number, else null.</summary>
    public double? ScalarValue
    {
        get
        {
            if (Value.NumberOfElements != 1)
            {
                return null;
            }
            using var asDouble = Value.to_type(torch.ScalarType.Float64);
            return asDouble.item<double>();
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Name is not null)
        {
            return Name;
        }
        if (Ndim != 0 || ScalarValue is not double v)
        {
            return $"Constant{{{Type}}}";
        }
        // Floats print as Aesara prints them: 2.0, not 2.
        var text = v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return DType.IsFloat() && double.IsFinite(v) && !text.Contains('.') && !text.Contains('E') ? text + ".0" : text;
    }
}
