using Gradient.Graph;
using TorchSharp;

namespace Gradient.Rewrites;

/// <summary>
/// One representative per distinct constant: equal dtype, shape, weakness and values (small constants compare bit for bit,
/// so 0.0 and -0.0 stay apart; large ones element by element). Used by the merge to make equal constants one variable.
/// </summary>
internal sealed class ConstantTable
{
    private readonly Dictionary<long, List<Constant>> _byHash = [];

    // Constants holding the very same tensor (scalar constants share one per number and dtype, and a constant's
    // value is read-only) → their canonical constant: most constants are found here without hashing their values.
    private readonly Dictionary<(torch.Tensor Value, bool Weak), Constant> _byTensor = new(TensorKeyComparer.Instance);

    /// <summary>The first constant seen that equals <paramref name="c"/> (<paramref name="c"/> itself if none).</summary>
    public Constant Canonical(Constant c)
    {
        var tensorKey = (c.Value, c.IsWeak);
        if (_byTensor.TryGetValue(tensorKey, out var same) && same.Type.Equals(c.Type))
        {
            return same;
        }
        var canonical = ByValue(c);
        _byTensor[tensorKey] = canonical;
        return canonical;
    }

    private Constant ByValue(Constant c)
    {
        long hash = ConstantFacts.Of(c).Hash;
        if (!_byHash.TryGetValue(hash, out var bucket))
        {
            _byHash[hash] = [c];
            return c;
        }
        foreach (var known in bucket)
        {
            if (ReferenceEquals(known, c) || SameValue(known, c))
            {
                return known;
            }
        }
        bucket.Add(c);
        return c;
    }

    /// <summary>Tensors by reference (a tensor's own equality would compare values).</summary>
    private sealed class TensorKeyComparer : IEqualityComparer<(torch.Tensor Value, bool Weak)>
    {
        public static readonly TensorKeyComparer Instance = new();

        public bool Equals((torch.Tensor Value, bool Weak) a, (torch.Tensor Value, bool Weak) b) =>
            ReferenceEquals(a.Value, b.Value) && a.Weak == b.Weak;

        public int GetHashCode((torch.Tensor Value, bool Weak) key) =>
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Value) ^ (key.Weak ? 1 : 0);
    }

    private static bool SameValue(Constant a, Constant b)
    {
        if (a.IsWeak != b.IsWeak || !a.Type.Equals(b.Type))
        {
            return false;
        }
        var (fa, fb) = (ConstantFacts.Of(a), ConstantFacts.Of(b));
        if (fa.Bytes is not null && fb.Bytes is not null)
        {
            return fa.Bytes.AsSpan().SequenceEqual(fb.Bytes);
        }
        using var scope = torch.NewDisposeScope();
        return a.Value.ne(b.Value).count_nonzero().item<long>() == 0;
    }
}
