using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.RandomVariables;

namespace Gradient.Interop;

/// <summary>Random streams for <c>sharpgrad.tensor.random.utils.RandomStream</c>.</summary>
public static partial class PyApi
{
    /// <summary>A stream seeded with <paramref name="seed"/>, or from the system's entropy without one.</summary>
    public static RandomStream NewRandomStream(bool hasSeed, long seed) => new(hasSeed ? seed : null);

    /// <summary>Reseeds the stream and all its variables.</summary>
    public static void SeedRandomStream(RandomStream stream, long seed) => stream.Seed(seed);

    /// <summary>The (seed, draws) pairs of the stream's variables, flattened.</summary>
    public static long[] RandomStreamStates(RandomStream stream) =>
        stream.States.SelectMany(s => new[] { s.Seed, s.Draws }).ToArray();

    /// <summary>Restores the state of variable <paramref name="index"/> of the stream.</summary>
    public static void SetRandomStreamState(RandomStream stream, int index, long seed, long draws) =>
        stream.States[index].SetState(seed, draws);

    /// <summary>Draws from a distribution by name: 'normal', 'uniform' (with a float dtype), 'binomial', 'multinomial'.</summary>
    public static Variable RandomDraw(RandomStream stream, string distribution, Variable first, Variable second,
        Variable? size, string? dtype) => distribution switch
    {
        "normal" => stream.Normal(first, second, size, dtype is null ? null : DTypes.Parse(dtype)),
        "uniform" => stream.Uniform(first, second, size, dtype is null ? null : DTypes.Parse(dtype)),
        "binomial" => stream.Binomial(first, second, size),
        "multinomial" => stream.Multinomial(first, second, size),
        _ => throw new ArgumentException(
            $"random: expected normal, uniform, binomial or multinomial; got '{distribution}'", nameof(distribution)),
    };

    /// <summary>numpy's <c>choice</c> from the stream.</summary>
    public static Variable RandomChoice(RandomStream stream, Variable a, Variable? size, bool replace, Variable? p) =>
        stream.Choice(a, size, replace, p);

    /// <summary>numpy's <c>permutation</c> from the stream.</summary>
    public static Variable RandomPermutation(RandomStream stream, Variable x) => stream.Permutation(x);
}
