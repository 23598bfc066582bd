using System.Globalization;

namespace Gradient.Kernels;

/// <summary>
/// One entry of a basic numpy index: an integer (<see cref="Index"/> set) or a slice <c>start:stop:step</c> with
/// null for an omitted bound. Written and parsed in numpy's notation (<c>2</c>, <c>-1</c>, <c>1:5:2</c>, <c>::-1</c>).
/// </summary>
public readonly record struct IndexEntry(long? Index, long? Start = null, long? Stop = null, long? Step = null)
{
    /// <summary>True for a slice, false for an integer index.</summary>
    public bool IsSlice => Index is null;

    /// <summary>The full slice <c>:</c>.</summary>
    public static IndexEntry All => new(null);

    /// <summary>A slice.</summary>
    public static IndexEntry Slice(long? start, long? stop, long? step = null) => new(null, start, stop, step);

    /// <summary>Parses numpy notation: <c>3</c>, <c>-1</c>, <c>:</c>, <c>1:</c>, <c>:-1</c>, <c>::2</c>, <c>5:1:-2</c>.</summary>
    /// <exception cref="ArgumentException">Not an integer or a slice of integers, or a zero step.</exception>
    public static IndexEntry Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            return new IndexEntry(Number(parts[0], text) ?? throw Bad(text));
        }
        if (parts.Length > 3)
        {
            throw Bad(text);
        }
        var entry = new IndexEntry(null, Number(parts[0], text), Number(parts[1], text),
            parts.Length == 3 ? Number(parts[2], text) : null);
        return entry.Step == 0 ? throw new ArgumentException($"index '{text}': slice step cannot be zero") : entry;
    }

    /// <summary>numpy notation, the inverse of <see cref="Parse"/>.</summary>
    public override string ToString() => IsSlice
        ? $"{Start}:{Stop}" + (Step is null ? "" : $":{Step}")
        : Index!.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Python's <c>slice.indices(length)</c> as (first index, element count, step); for an integer, the wrapped index
    /// with count 1.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">An integer index outside [-length, length).</exception>
    public (long First, long Count, long Step) Resolve(long length, int axis)
    {
        if (!IsSlice)
        {
            long i = Index!.Value < 0 ? Index.Value + length : Index.Value;
            if (i < 0 || i >= length)
            {
                throw new IndexOutOfRangeException(
                    $"index {Index} is out of bounds for axis {axis} with size {length}");
            }
            return (i, 1, 1);
        }
        long step = Step ?? 1;
        if (step == 0)
        {
            throw new ArgumentException("slice step cannot be zero");
        }
        if (step > 0)
        {
            long start = Clamp(Start ?? 0, length, 0, length);
            long stop = Clamp(Stop ?? length, length, 0, length);
            return (start, stop > start ? (stop - start + step - 1) / step : 0, step);
        }
        long hi = Start is null ? length - 1 : Clamp(Start.Value, length, -1, length - 1);
        long lo = Stop is null ? -1 : Clamp(Stop.Value, length, -1, length - 1);
        return (hi, hi > lo ? (hi - lo + (-step) - 1) / -step : 0, step);
    }

    /// <summary>The length of this slice along an axis of static length <paramref name="length"/>, null if unknown.</summary>
    public long? StaticLength(long? length)
    {
        if (length is long n)
        {
            return Resolve(n, 0).Count;
        }
        return null;
    }

    private static long Clamp(long value, long length, long low, long high)
    {
        if (value < 0)
        {
            value += length;
        }
        return Math.Min(Math.Max(value, low), high);
    }

    private static long? Number(string part, string text)
    {
        part = part.Trim();
        if (part.Length == 0)
        {
            return null;
        }
        return long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Bad(text);
    }

    private static ArgumentException Bad(string text) =>
        new($"index '{text}': expected an integer or a slice start:stop:step of integers");
}
