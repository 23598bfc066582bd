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
