namespace Gradient.Ops;

/// <summary>Aesara's <c>TensorFromScalar</c> (Aesara's scalar as a 0-d tensor): here the identity on 0-d tensors.</summary>
public sealed class TensorFromScalar : ZeroDimIdentity;
