namespace Gradient.Ops;

/// <summary>Aesara's <c>ScalarFromTensor</c> (a 0-d tensor as Aesara's scalar type): here the identity on 0-d tensors.</summary>
public sealed class ScalarFromTensor : ZeroDimIdentity;
