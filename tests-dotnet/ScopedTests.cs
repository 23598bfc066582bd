using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>A test class whose tests each run in their own DisposeScope, so every tensor a test makes is freed after it.</summary>
public abstract class ScopedTests
{
    private DisposeScope? _scope;

    /// <summary>Opens the test's scope.</summary>
    [SetUp]
    public void OpenScope() => _scope = torch.NewDisposeScope();

    /// <summary>Frees the test's tensors.</summary>
    [TearDown]
    public void CloseScope() => _scope?.Dispose();

    /// <summary>A float64 vector.</summary>
    protected static Tensor Vec(params double[] values) => torch.tensor(values, dtype: ScalarType.Float64);
}
