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

    /// <summary>The first constant seen that equals <paramref name="c"/> (<paramref name="c"/> itself if none).</summary>
    public Constant Canonical(Constant c)
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
