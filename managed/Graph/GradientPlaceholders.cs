namespace Gradient.Graph;

/// <summary>
/// An undefined gradient (Aesara's <c>NullType</c>): it records why and refuses to take part in any computation or to
/// be compiled (<see cref="NullTypeGradException"/>).
/// </summary>
public sealed class NullGradient(TensorType type, string why) : Variable(type)
{
    /// <summary>Why the gradient is undefined (Aesara's <c>why_null</c>).</summary>
    public string Why { get; } = why;

    /// <inheritdoc/>
    public override string ToString() => Name ?? $"NullType{{{Why}}}";
}

/// <summary>
/// The gradient of something that does not depend on the variable (Aesara's <c>DisconnectedType</c>): a placeholder
/// that refuses to take part in any computation or to be compiled.
/// </summary>
public sealed class DisconnectedGradient(TensorType type) : Variable(type)
{
    /// <inheritdoc/>
    public override string ToString() => Name ?? "DisconnectedType";
}
