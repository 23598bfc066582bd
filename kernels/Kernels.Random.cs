using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Random draws from a given <see cref="Generator"/>: parameters are checked (domain, broadcasting against the
/// requested shape) before libtorch sees them, so bad input is an <see cref="ArgumentException"/> naming the
/// distribution. The numbers come from libtorch's generators and differ from numpy's for the same seed. The draws are
/// made on the CPU, where the generators live; <c>RandomVariable</c> moves parameters and samples to and from a
/// function's device, so a seed gives the same numbers on every device.
/// </summary>
public static partial class Kernels
{
    /// <summary>Normal samples of <paramref name="shape"/>: loc + scale · N(0, 1), in <paramref name="dtype"/>.</summary>
    public static Tensor Normal(Generator generator, Tensor loc, Tensor scale, long[] shape, DType dtype)
    {
        using var scope = NewDisposeScope();
        var (m, s) = (ParamAs("normal", "loc", loc, shape, dtype), ParamAs("normal", "scale", scale, shape, dtype));
        if (s.lt(0).any().item<bool>())
        {
            throw new ArgumentException("normal: scale must be non-negative", nameof(scale));
        }
        var eps = torch.randn(shape, dtype.ToTorch(), generator: generator); // host: the generator's device
        return eps.mul(s).add(m).MoveToOuterDisposeScope();
    }

    /// <summary>Uniform samples of <paramref name="shape"/> in [low, high), in <paramref name="dtype"/>.</summary>
    public static Tensor Uniform(Generator generator, Tensor low, Tensor high, long[] shape, DType dtype)
    {
        using var scope = NewDisposeScope();
        var (a, b) = (ParamAs("uniform", "low", low, shape, dtype), ParamAs("uniform", "high", high, shape, dtype));
        var u = torch.rand(shape, dtype.ToTorch(), generator: generator); // host: the generator's device
        return u.mul(b.sub(a)).add(a).MoveToOuterDisposeScope();
    }

    /// <summary>Binomial counts (int64) of <paramref name="shape"/>: successes in n trials of probability p.</summary>
    public static Tensor Binomial(Generator generator, Tensor n, Tensor p, long[] shape)
    {
        using var scope = NewDisposeScope();
        var count = ParamAs("binomial", "n", n, shape, DType.Float64);
        var prob = ParamAs("binomial", "p", p, shape, DType.Float64);
        if (count.lt(0).any().item<bool>() || count.ne(count.floor()).any().item<bool>())
        {
            throw new ArgumentException("binomial: n must be a non-negative integer", nameof(n));
        }
        if (prob.lt(0).any().item<bool>() || prob.gt(1).any().item<bool>() || prob.isnan().any().item<bool>())
        {
            throw new ArgumentException("binomial: p must be in [0, 1]", nameof(p));
        }
        var draws = torch.binomial(count.contiguous(), prob.contiguous(), generator);
        return draws.to_type(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Multinomial counts (int64) of shape <paramref name="batch"/> + (k,): n draws over the k categories of
    /// <paramref name="pvals"/> (its last axis; broadcast over the batch), as numpy's <c>multinomial</c>.
    /// </summary>
    public static Tensor Multinomial(Generator generator, long n, Tensor pvals, long[] batch)
    {
        if (pvals.dim() < 1 || pvals.Lengths()[^1] < 1)
        {
            throw new ArgumentException($"multinomial: pvals must have at least one category; got shape {Show(pvals.Lengths())}",
                nameof(pvals));
        }
        if (n < 0)
        {
            throw new ArgumentException($"multinomial: n must be non-negative; got {n}", nameof(n));
        }
        long k = pvals.Lengths()[^1];
        using var scope = NewDisposeScope();
        var probs = ParamAs("multinomial", "pvals", pvals, [.. batch, k], DType.Float64);
        if (probs.lt(0).any().item<bool>() || probs.isnan().any().item<bool>())
        {
            throw new ArgumentException("multinomial: pvals must be non-negative", nameof(pvals));
        }
        using (var partial = probs.narrow(-1, 0, k - 1).sum(-1))
        {
            if (partial.gt(1 + 1e-12).any().item<bool>())
            {
                throw new ArgumentException("multinomial: sum(pvals[:-1]) > 1.0", nameof(pvals));
            }
        }
        // numpy's rule: the last category takes whatever the others leave.
        var last = probs.narrow(-1, 0, k - 1).sum(-1, keepdim: true).neg().add(1).clamp_min(0);
        var full = torch.cat([probs.narrow(-1, 0, k - 1), last], -1);
        long rows = batch.Aggregate(1L, (a, b) => a * b);
        var flat = full.reshape(rows, k);
        var counts = torch.zeros(rows, k, ScalarType.Int64, device: probs.device);
        if (n > 0 && rows > 0)
        {
            var picks = torch.multinomial(flat, n, replacement: true, generator: generator);
            counts = counts.scatter_add(1, picks, torch.ones_like(picks));
        }
        return counts.reshape([.. batch, k]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// numpy's <c>choice</c>: picks from <paramref name="a"/> (a vector; for a 0-d integer
    /// a, from 0 … a-1), with or without replacement, uniformly or with probabilities <paramref name="p"/>, shaped
    /// <paramref name="shape"/>.
    /// </summary>
    public static Tensor Choice(Generator generator, Tensor a, Tensor? p, long[] shape, bool replace)
    {
        long count = shape.Aggregate(1L, (x, y) => x * y);
        if (a.dim() > 1)
        {
            throw new NotSupportedException($"choice: a must be an integer or a vector; got shape {Show(a.Lengths())}");
        }
        long n = a.dim() == 0 ? a.to_type(ScalarType.Int64).item<long>() : a.Lengths()[0];
        if (n <= 0 && count > 0)
        {
            throw new ArgumentException("choice: a cannot be empty unless no samples are taken", nameof(a));
        }
        if (!replace && count > n)
        {
            throw new ArgumentException(
                $"choice: cannot take a larger sample ({count}) than the population ({n}) when replace=False", nameof(a));
        }
        using var scope = NewDisposeScope();
        Tensor picks;
        if (p is not null)
        {
            if (p.dim() != 1 || p.Lengths()[0] != n)
            {
                throw new ArgumentException($"choice: p must be a vector of length {n}; got shape {Show(p.Lengths())}",
                    nameof(p));
            }
            var probs = p.to_type(ScalarType.Float64);
            if (probs.lt(0).any().item<bool>() || probs.isnan().any().item<bool>())
            {
                throw new ArgumentException("choice: probabilities are not non-negative", nameof(p));
            }
            if (Math.Abs(probs.sum().item<double>() - 1) > 1e-8)
            {
                throw new ArgumentException("choice: probabilities do not sum to 1", nameof(p));
            }
            if (!replace && probs.gt(0).sum().item<long>() < count)
            {
                throw new ArgumentException("choice: fewer non-zero entries in p than size", nameof(p));
            }
            picks = count == 0
                ? torch.zeros(0, ScalarType.Int64, device: probs.device)
                : torch.multinomial(probs, count, replacement: replace, generator: generator);
        }
        else
        {
            picks = replace
                ? torch.randint(0, Math.Max(n, 1), [count], ScalarType.Int64, generator: generator) // host: the generator's device
                : torch.randperm(n, ScalarType.Int64, generator: generator).narrow(0, 0, count); // host: the generator's device
        }
        var result = a.dim() == 0 ? picks : a.index_select(0, picks);
        return result.reshape(shape).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// numpy's <c>permutation</c>: for a 0-d integer x a shuffled 0 … x-1 (int64); otherwise x shuffled along its
    /// first axis.
    /// </summary>
    public static Tensor Permutation(Generator generator, Tensor x)
    {
        if (x.dim() == 0)
        {
            long n = x.to_type(ScalarType.Int64).item<long>();
            if (n < 0)
            {
                throw new ArgumentException($"permutation: expected a non-negative length; got {n}", nameof(x));
            }
            return torch.randperm(n, ScalarType.Int64, generator: generator); // host: the generator's device
        }
        using var order = torch.randperm(x.Lengths()[0], ScalarType.Int64, generator: generator); // host: the generator's device
        return x.index_select(0, order);
    }

    /// <summary>numpy's broadcast shape of <paramref name="shapes"/>, or an exception naming the operation.</summary>
    public static long[] BroadcastShapes(string what, params long[][] shapes)
    {
        int rank = shapes.Length == 0 ? 0 : shapes.Max(s => s.Length);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long n = 1;
            foreach (var s in shapes)
            {
                int j = i - (rank - s.Length);
                if (j < 0 || s[j] == 1)
                {
                    continue;
                }
                if (n != 1 && n != s[j])
                {
                    throw new ArgumentException(
                        $"{what}: shapes {string.Join(", ", shapes.Select(x => Show(x)))} cannot be broadcast together");
                }
                n = s[j];
            }
            result[i] = n;
        }
        return result;
    }

    /// <summary>A parameter converted to <paramref name="dtype"/> and broadcast to <paramref name="shape"/>.</summary>
    private static Tensor ParamAs(string what, string name, Tensor value, long[] shape, DType dtype)
    {
        bool fits = value.dim() <= shape.Length && value.Lengths().Select((n, i) => n == 1 || n == shape[shape.Length - value.dim() + i])
            .All(ok => ok);
        if (!fits)
        {
            throw new ArgumentException(
                $"{what}: parameter {name} of shape {Show(value.Lengths())} does not broadcast to the sample shape {Show(shape)}",
                name);
        }
        return value.to_type(dtype.ToTorch()).expand(shape);
    }
}
