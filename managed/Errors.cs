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
