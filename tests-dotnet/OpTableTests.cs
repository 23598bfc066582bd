using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>A table of op cases, each checked four ways by <see cref="OpTableTests{TTable}"/>.</summary>
public interface IOpTable
{
    /// <summary>The cases.</summary>
    IEnumerable<OpCase> All();

    /// <summary>The cases smooth enough for the second-derivative check (all of them by default).</summary>
    IEnumerable<OpCase> SecondOrder() => All();

    /// <summary>How close the compiled value must be to the reference.</summary>
    double ValueTolerance => 1e-12;
}

/// <summary>
/// Every case of <typeparamref name="TTable"/>: the value against its reference, and the pullback, pushforward and
/// second derivative against central finite differences.
/// </summary>
public abstract class OpTableTests<TTable> where TTable : IOpTable, new()
{
    private static readonly TTable s_table = new();

    /// <summary>The table's cases, named for the test runner.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        s_table.All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    /// <summary>The table's second-order cases, named for the test runner.</summary>
    public static IEnumerable<TestCaseData> SecondOrderCases() =>
        s_table.SecondOrder().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    /// <summary>The compiled value equals the reference.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Value_matches_reference(OpCase c)
    {
        using var scope = torch.NewDisposeScope();
        GradCheck.Value(c.Build, c.Reference, c.Types, c.Values(), tolerance: s_table.ValueTolerance);
    }

    /// <summary>Reverse mode agrees with central differences.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Pullback_matches_central_differences(OpCase c)
    {
        using var scope = torch.NewDisposeScope();
        GradCheck.Reverse(c.Build, c.Types, c.Values(), c.Step, c.Tolerance);
    }

    /// <summary>Forward mode agrees with central differences along a random direction.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Pushforward_matches_central_differences(OpCase c)
    {
        using var scope = torch.NewDisposeScope();
        GradCheck.Forward(c.Build, c.Types, c.Values(), c.Step, c.Tolerance);
    }

    /// <summary>Grad of grad agrees with central differences of the gradient.</summary>
    [TestCaseSource(nameof(SecondOrderCases))]
    public void Second_derivative_matches_central_differences(OpCase c)
    {
        using var scope = torch.NewDisposeScope();
        GradCheck.SecondOrder(c.Build, c.Types, c.Values(), c.Step, c.Tolerance);
    }
}
