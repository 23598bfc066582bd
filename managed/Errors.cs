namespace Gradient;

/// <summary>
/// A variable asked for in <c>wrt</c> is not part of the cost's graph (Aesara's <c>DisconnectedInputError</c>,
/// a <c>ValueError</c> in Python).
/// </summary>
public sealed class DisconnectedInputException(string message) : ArgumentException(message);

/// <summary>
/// A compiled graph needs a value that is neither an input nor a constant (Aesara's <c>MissingInputError</c>).
/// </summary>
public sealed class MissingInputException(string message) : ArgumentException(message);

/// <summary>
/// An input of a compiled function is not needed by its outputs or updates (Aesara's <c>UnusedInputError</c>).
/// </summary>
public sealed class UnusedInputException(string message) : ArgumentException(message);

/// <summary>
/// A gradient is undefined (Aesara's <c>NullTypeGradError</c>, a <c>TypeError</c> in Python): it was asked for, used
/// in a computation or compiled.
/// </summary>
public sealed class NullTypeGradException(string message) : InvalidOperationException(message);

/// <summary>
/// An op's derivative rule broke its contract (returned no list, the wrong number of terms, an integer-typed term, a
/// term of the wrong rank, or a disconnected term for a connected input). <see cref="PythonKind"/> names the Python
/// exception Aesara raises for that case: <c>TypeError</c> or <c>ValueError</c>.
/// </summary>
public sealed class OpContractException(string message, string pythonKind) : InvalidOperationException(message)
{
    /// <summary><c>TypeError</c> or <c>ValueError</c>.</summary>
    public string PythonKind { get; } = pythonKind;
}

/// <summary>
/// Turns an error libtorch raised inside an op's kernel (one the engine's own checks let through: an allocation that
/// fails, a size that overflows, a dtype libtorch has no kernel for) into the engine's exceptions, naming the op and
/// keeping libtorch's reason without its C++ backtrace.
/// </summary>
internal static class KernelFailure
{
    private static readonly string[] s_tooLarge =
    [
        "can't allocate memory", "Storage size calculation overflowed", "integer multiplication overflow",
        "cannot be represented as a SymInt", "out of memory",
    ];

    /// <summary>
    /// <see cref="InsufficientMemoryException"/> (an <see cref="OutOfMemoryException"/>: Python's <c>MemoryError</c>)
    /// for a result too large to allocate, <see cref="NotSupportedException"/> for a missing kernel, otherwise
    /// <see cref="ArgumentException"/>: the values given do not suit the op.
    /// </summary>
    public static Exception From(object op, System.Runtime.InteropServices.ExternalException error)
    {
        string reason = Reason(error.Message);
        var missing = System.Text.RegularExpressions.Regex.Match(reason,
            @"^Could not run '([^']+)' with arguments from the '([^']+)' backend");
        if (missing.Success)
        {
            return new NotSupportedException(missing.Groups[2].Value.StartsWith("Sparse", StringComparison.Ordinal)
                ? $"{op}: this op does not take sparse matrices (libtorch has no sparse kernel for {missing.Groups[1].Value}); " +
                  "convert them with dense_from_sparse first"
                : $"{op}: libtorch has no {missing.Groups[2].Value} kernel for {missing.Groups[1].Value}", error);
        }
        if (s_tooLarge.Any(reason.Contains))
        {
            return new InsufficientMemoryException($"{op}: the result is too large to allocate ({reason})", error);
        }
        if (reason.Contains("not implemented for") || reason.Contains("not supported for"))
        {
            return new NotSupportedException($"{op}: {reason}", error);
        }
        return new ArgumentException($"{op}: {reason}", error);
    }

    /// <summary>libtorch's message without the backtrace and the C++ check that failed.</summary>
    private static string Reason(string message)
    {
        int cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        string reason = (cut >= 0 ? message[..cut] : message).Trim();
        int enforce = reason.StartsWith("[enforce fail", StringComparison.Ordinal) ? reason.IndexOf("] ", StringComparison.Ordinal) : -1;
        if (enforce >= 0)
        {
            reason = reason[(enforce + 2)..];
            reason = reason.StartsWith("err == 0. ", StringComparison.Ordinal) ? reason["err == 0. ".Length..] : reason;
        }
        int newline = reason.IndexOf('\n');
        return newline >= 0 ? reason[..newline] : reason;
    }
}
