using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>RandomStream</c>: makes random variables whose generator states derive from one seed. Each variable
/// gets its own <see cref="RandomState"/> (seeded from the stream's seed and the variable's index), which every call
/// of a compiled function that computes it advances, so each call draws new samples, and a fresh stream with the same
/// seed, asked for the same variables in the same order, gives the same sequence. The numbers come from libtorch's
/// generators and differ from numpy's (and so from Aesara's) for the same seed.
/// </summary>
public sealed class RandomStream
{
    private readonly object _lock = new();
    private readonly List<RandomState> _states = [];
    private long _seed;

    /// <summary>A stream seeded with <paramref name="seed"/>, or from the system's entropy when null.</summary>
    public RandomStream(long? seed = null) => _seed = seed ?? System.Random.Shared.NextInt64();

    /// <summary>The states of the variables made so far, in order (Aesara's <c>state_updates</c>, without updates).</summary>
    public IReadOnlyList<RandomState> States
    {
        get
        {
            lock (_lock)
            {
                return _states.ToArray();
            }
        }
    }

    /// <summary>Reseeds the stream and every variable made so far (Aesara's <c>RandomStream.seed</c>).</summary>
    public void Seed(long seed)
    {
        lock (_lock)
        {
            _seed = seed;
            for (int i = 0; i < _states.Count; i++)
            {
                _states[i].Reseed(Derive(seed, i));
            }
        }
    }

    /// <summary>Normal samples loc + scale · ε (dtype: <see cref="Config.FloatX"/> unless given).</summary>
    public Variable Normal(Variable loc, Variable scale, Variable? size = null, DType? dtype = null) =>
        new NormalRV(Next(), dtype ?? Config.FloatX).Call(Size(size), loc, scale);

    /// <summary>Uniform samples in [low, high) (dtype: <see cref="Config.FloatX"/> unless given).</summary>
    public Variable Uniform(Variable low, Variable high, Variable? size = null, DType? dtype = null) =>
        new UniformRV(Next(), dtype ?? Config.FloatX).Call(Size(size), low, high);

    /// <summary>Binomial counts (int64) of n trials with probability p.</summary>
    public Variable Binomial(Variable n, Variable p, Variable? size = null) =>
        new BinomialRV(Next()).Call(Size(size), n, p);

    /// <summary>Multinomial counts (int64), shaped size + (k,), of n draws over the categories of pvals.</summary>
    public Variable Multinomial(Variable n, Variable pvals, Variable? size = null) =>
        new MultinomialRV(Next()).Call(Size(size), n, pvals);

    /// <summary>Picks from a (a vector, or 0 … a-1 for an integer scalar), as numpy's <c>choice</c>.</summary>
    public Variable Choice(Variable a, Variable? size = null, bool replace = true, Variable? p = null)
    {
        Guard.NotNull(a);
        var op = new ChoiceRV(Next(), a.Ndim == 0 ? DType.Int64 : a.DType, replace);
        return p is null ? op.Call(Size(size), a) : op.Call(Size(size), a, p);
    }

    /// <summary>A shuffled 0 … x-1 for an integer scalar x, else x shuffled along its first axis.</summary>
    public Variable Permutation(Variable x)
    {
        Guard.NotNull(x);
        return new PermutationRV(Next(), x.Ndim == 0 ? DType.Int64 : x.DType).Call(x);
    }

    /// <summary>A constant int64 size vector from lengths.</summary>
    public static Variable SizeOf(params long[] lengths)
    {
        using var t = TorchSharp.torch.tensor(lengths, TorchSharp.torch.ScalarType.Int64);
        return T.Constant(t);
    }

    private RandomState Next()
    {
        lock (_lock)
        {
            var state = new RandomState(Derive(_seed, _states.Count));
            _states.Add(state);
            return state;
        }
    }

    private static Variable Size(Variable? size)
    {
        if (size is null)
        {
            return SizeOf();
        }
        if (size is Constant c && c.Ndim <= 1)
        {
            // A constant stays a constant, so the sample's static shape is known.
            using var lengths = c.Value.to_type(TorchSharp.torch.ScalarType.Int64).reshape(-1);
            return T.Constant(lengths);
        }
        return size.Ndim == 0 ? T.DimShuffle(T.Cast(size, DType.Int64), [-1]) : T.Cast(size, DType.Int64);
    }

    private static long Derive(long seed, long index) => unchecked((long)RandomState.Mix(~seed, index));
}
