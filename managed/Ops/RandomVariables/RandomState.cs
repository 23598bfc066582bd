using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// The state of one random variable's generator: a seed and a count of draws so far. Draw k uses a fresh libtorch
/// generator seeded from (seed, k), so the sequence is reproducible from the seed alone, independent of other
/// variables, and the state can be read and restored as two numbers. It plays the role of Aesara's shared RNG
/// variable and its default update: every call of a compiled function that computes the variable advances it.
/// </summary>
public sealed class RandomState
{
    private readonly object _lock = new();
    private long _seed;
    private long _draws;

    /// <summary>A state seeded with <paramref name="seed"/>, before its first draw.</summary>
    public RandomState(long seed) => _seed = seed;

    /// <summary>The seed.</summary>
    public long Seed
    {
        get
        {
            lock (_lock)
            {
                return _seed;
            }
        }
    }

    /// <summary>How many draws were made since the last (re)seed.</summary>
    public long Draws
    {
        get
        {
            lock (_lock)
            {
                return _draws;
            }
        }
    }

    /// <summary>Restarts the sequence from <paramref name="seed"/>.</summary>
    public void Reseed(long seed) => SetState(seed, 0);

    /// <summary>Restores a state read from <see cref="Seed"/> and <see cref="Draws"/>.</summary>
    public void SetState(long seed, long draws)
    {
        if (draws < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(draws), draws, "random state: the draw count must be >= 0");
        }
        lock (_lock)
        {
            (_seed, _draws) = (seed, draws);
        }
    }

    /// <summary>
    /// Runs <paramref name="draw"/> with the generator of the next draw and advances the state (also when the draw
    /// fails, so a failing call never replays its numbers).
    /// </summary>
    public torch.Tensor Draw(Func<torch.Generator, torch.Tensor> draw)
    {
        ulong seed;
        lock (_lock)
        {
            seed = Mix(_seed, _draws++);
        }
        using var generator = new torch.Generator(seed, torch.CPU);
        return draw(generator);
    }

    /// <summary>The seed of the generator of draw <paramref name="k"/>: SplitMix64 of the two numbers.</summary>
    internal static ulong Mix(long seed, long k)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)k + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
