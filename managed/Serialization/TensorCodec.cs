using System.Text.Json;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Serialization;

/// <summary>
/// Tensor values in JSON: <c>{"dtype": "float64", "shape": [2, 3], "data": "&lt;base64&gt;"}</c> where data holds the
/// elements in row-major (C) order as little-endian bytes, so every value, NaN payloads and signed zeros included,
/// comes back bit for bit. Readers also accept <c>"values": [..]</c>, a flat row-major list of JSON numbers (or
/// booleans), in place of <c>data</c>, for documents written by hand.
/// </summary>
internal static class TensorCodec
{
    /// <summary>Writes <paramref name="t"/> as a value object.</summary>
    public static void Write(Utf8JsonWriter writer, torch.Tensor t)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("graph json: writing values needs a little-endian machine");
        }
        var dtype = DTypes.FromTorch(t.dtype);
        writer.WriteStartObject();
        writer.WriteString("dtype", dtype.Name());
        writer.WriteStartArray("shape");
        foreach (long n in t.Lengths())
        {
            writer.WriteNumberValue(n);
        }
        writer.WriteEndArray();
        using (var scope = torch.NewDisposeScope())
        {
            var c = t.detach().cpu().contiguous();
            writer.WriteBase64String("data", c.NumberOfElements == 0 ? [] : c.bytes);
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads a value object; the caller owns the returned tensor.</summary>
    /// <exception cref="GraphJsonException">A field is missing or does not fit the others.</exception>
    public static torch.Tensor Read(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new GraphJsonException($"{where}: expected a value object {{dtype, shape, data}}; got {e.ValueKind}");
        }
        var dtype = Json.DType(Json.Required(e, "dtype", where), $"{where}.dtype");
        var shapeElement = Json.Required(e, "shape", where);
        if (shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new GraphJsonException($"{where}.shape: expected a list of lengths; got {shapeElement.GetRawText()}");
        }
        var shape = shapeElement.EnumerateArray().Select((n, i) => Json.Length(n, $"{where}.shape[{i}]")).ToArray();
        long count;
        try
        {
            count = shape.Aggregate(1L, (a, n) => checked(a * n));
            _ = checked(count * dtype.ItemSize());
        }
        catch (OverflowException)
        {
            throw new GraphJsonException(
                $"{where}.shape: a {dtype.Name()} tensor of shape {Kernels.Kernels.Show(shape)} has more bytes than a " +
                "64-bit size can count");
        }
        if (e.TryGetProperty("data", out var data))
        {
            if (data.ValueKind != JsonValueKind.String || !data.TryGetBytesFromBase64(out var bytes))
            {
                throw new GraphJsonException($"{where}.data: expected a base64 string");
            }
            if (bytes.LongLength != count * dtype.ItemSize())
            {
                throw new GraphJsonException(
                    $"{where}.data: a {dtype.Name()} tensor of shape {Kernels.Kernels.Show(shape)} needs " +
                    $"{count * dtype.ItemSize()} bytes; got {bytes.LongLength}");
            }
            var t = torch.empty(shape, dtype.ToTorch());
            if (bytes.Length > 0)
            {
                bytes.CopyTo(t.bytes);
            }
            return t;
        }
        if (e.TryGetProperty("values", out var values))
        {
            return FromValues(values, dtype, shape, count, $"{where}.values");
        }
        throw new GraphJsonException($"{where}: expected \"data\" (base64) or \"values\" (a list of numbers)");
    }

    private static torch.Tensor FromValues(JsonElement values, DType dtype, long[] shape, long count, string where)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != count)
        {
            throw new GraphJsonException(
                $"{where}: expected a flat list of {count} number(s) for shape {Kernels.Kernels.Show(shape)}; got " +
                (values.ValueKind == JsonValueKind.Array ? $"{values.GetArrayLength()}" : values.ValueKind.ToString()));
        }
        var items = values.EnumerateArray().ToArray();
        if (dtype == DType.Bool)
        {
            var bits = items.Select((v, i) => v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when v.TryGetInt64(out long n) && n is 0 or 1 => n == 1,
                _ => throw new GraphJsonException($"{where}[{i}]: expected true or false; got {v.GetRawText()}"),
            }).ToArray();
            return torch.tensor(bits).reshape(shape);
        }
        if (dtype.IsFloat())
        {
            var doubles = items.Select((v, i) => v.ValueKind == JsonValueKind.Number ? v.GetDouble()
                : v.ValueKind == JsonValueKind.String && v.GetString() is "nan" or "NaN" ? double.NaN
                : v.ValueKind == JsonValueKind.String && v.GetString() is "inf" or "Infinity" ? double.PositiveInfinity
                : v.ValueKind == JsonValueKind.String && v.GetString() is "-inf" or "-Infinity" ? double.NegativeInfinity
                : throw new GraphJsonException($"{where}[{i}]: expected a number; got {v.GetRawText()}")).ToArray();
            using var d = torch.tensor(doubles, torch.ScalarType.Float64);
            using var reshaped = d.reshape(shape);
            return reshaped.to_type(dtype.ToTorch());
        }
        if (dtype.IsComplex())
        {
            throw new GraphJsonException($"{where}: complex values must be given as \"data\" (base64)");
        }
        var longs = items.Select((v, i) => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n
            : throw new GraphJsonException($"{where}[{i}]: expected an integer; got {v.GetRawText()}")).ToArray();
        using var l = torch.tensor(longs, torch.ScalarType.Int64);
        using var r = l.reshape(shape);
        return r.to_type(dtype.ToTorch());
    }
}

/// <summary>Small readers of JSON fields that name the place of a mistake.</summary>
internal static class Json
{
    /// <summary>
    /// Writer settings: escape only what JSON requires (quotes, backslashes, control characters), so base64 keeps its
    /// '+' and names their non-ASCII letters.
    /// </summary>
    public static JsonWriterOptions Options(bool indented = false) => new()
    {
        Indented = indented,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonElement Required(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var value)
            ? value
            : throw new GraphJsonException($"{where}: missing field \"{name}\"");

    public static string String(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new GraphJsonException($"{where}: expected a string; got {e.GetRawText()}");

    public static string? OptionalString(JsonElement e, string name, string where) =>
        !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : String(value, $"{where}.{name}");

    public static int Int(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int n)
            ? n
            : throw new GraphJsonException($"{where}: expected an integer; got {e.GetRawText()}");

    public static long Length(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n) && n >= 0
            ? n
            : throw new GraphJsonException($"{where}: expected a length >= 0; got {e.GetRawText()}");

    public static bool Bool(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new GraphJsonException($"{where}: expected true or false; got {e.GetRawText()}"),
    };

    public static DType DType(JsonElement e, string where)
    {
        try
        {
            return DTypes.Parse(String(e, where));
        }
        catch (ArgumentException x)
        {
            throw new GraphJsonException($"{where}: {x.Message}");
        }
    }

    public static JsonElement.ArrayEnumerator Array(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray()
            : throw new GraphJsonException($"{where}: expected a list; got {e.ValueKind}");
}
