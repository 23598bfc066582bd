namespace Gradient.Serialization;

/// <summary>
/// A graph document that cannot be read: malformed JSON, a missing or mistyped field, an unknown op or prop, an id
/// that names no variable, or a node whose outputs do not have the types the document declares. The message names
/// the place (e.g. <c>nodes[3].props.axis</c>) and what was expected.
/// </summary>
public sealed class GraphJsonException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public GraphJsonException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public GraphJsonException(string message, Exception inner) : base(message, inner)
    {
    }
}
