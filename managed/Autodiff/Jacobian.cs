using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

/// <summary>Jacobians and Hessians, vectorized: one batched pullback or pushforward, not a loop over rows.</summary>
public static partial class Autodiff
{
    /// <summary>
    /// The Jacobian of <paramref name="expression"/> (any rank) with respect to each of <paramref name="wrt"/>, of
    /// shape <c>(*expression.shape, *wrt.shape)</c> — Aesara's <c>(n_out, *wrt.shape)</c> for a vector. It is one
    /// pullback vectorized over the rows of an identity seed. A scalar expression gives the gradient.
    /// </summary>
    /// <exception cref="NotSupportedException">An op on the way has no batching rule yet.</exception>
    /// <param name="expression">What to differentiate.</param>
    /// <param name="wrt">The variables to differentiate with respect to.</param>
    /// <param name="disconnectedInputs">Policy for a wrt the expression does not depend on.</param>
    /// <param name="considerConstant">Variables whose own inputs get no gradient through them.</param>
    /// <param name="chunkSize">
    /// Rows per batched pullback, to bound memory: the rows are split into chunks of this many (the expression's
    /// size must then be static). Null does all rows in one batch; 1 is the row-by-row construction.
    /// </param>
    public static Variable[] Jacobian(Variable expression, IReadOnlyList<Variable> wrt,
        DisconnectedPolicy disconnectedInputs = DisconnectedPolicy.Raise, IReadOnlyList<Variable>? considerConstant = null,
        int? chunkSize = null)
    {
        Guard.NotNull(expression, "jacobian");
        Guard.NoNulls(wrt, "jacobian");
        if (expression.Ndim == 0)
        {
            return Grad(expression, wrt, new GradOptions
            {
                DisconnectedInputs = disconnectedInputs,
                ConsiderConstant = considerConstant ?? [],
                AddNames = false,
            });
        }
        var cotangent = new Variable(FloatType(expression), name: "cotangent");
        var vjps = Lop([expression], wrt, [cotangent], disconnectedInputs, considerConstant);
        var seeds = IdentitySeeds(expression, cotangent.DType);
        if (chunkSize is null)
        {
            var batched = Batching.Vectorize(vjps, new Dictionary<Variable, Variable> { [cotangent] = seeds });
            return batched.Select((b, i) => Unbatch(b, expression, wrt[i], seeds)).ToArray();
        }
        if (chunkSize < 1)
        {
            throw new ArgumentException($"jacobian: chunk_size must be at least 1; got {chunkSize}", nameof(chunkSize));
        }
        if (expression.Type.Shape.Any(n => n is null))
        {
            throw new NotSupportedException(
                $"jacobian: chunk_size needs an expression of static shape, to know its chunks; got {expression.Type}");
        }
        long rows = expression.Type.Shape.Aggregate(1L, (p, n) => p * n!.Value);
        var pieces = wrt.Select(_ => new List<Variable>()).ToArray();
        for (long start = 0; start < rows; start += chunkSize.Value)
        {
            long stop = Math.Min(rows, start + chunkSize.Value);
            var chunk = seeds[$"{start}:{stop}"];
            var batched = Batching.Vectorize(vjps, new Dictionary<Variable, Variable> { [cotangent] = chunk });
            for (int i = 0; i < wrt.Count; i++)
            {
                var (value, isBatched) = batched[i];
                var lengths = Enumerable.Range(0, wrt[i].Ndim).Select(a => T.ShapeI(wrt[i], a));
                pieces[i].Add(isBatched ? value : T.Alloc(value, [T.ShapeI(chunk, 0), .. lengths]));
            }
        }
        return pieces.Select((p, i) => Unbatch((p.Count == 1 ? p[0] : T.Join(0, [.. p]), true), expression, wrt[i], seeds))
            .ToArray();
    }

    /// <summary>
    /// The Hessian of the scalar <paramref name="cost"/> with respect to each of <paramref name="wrt"/> separately
    /// (Aesara's <c>hessian</c>: no cross terms), of shape <c>(*wrt.shape, *wrt.shape)</c>, computed forward over
    /// reverse: the pushforward of the gradient, vectorized over an identity of tangents.
    /// </summary>
    public static Variable[] Hessian(Variable cost, IReadOnlyList<Variable> wrt,
        DisconnectedPolicy disconnectedInputs = DisconnectedPolicy.Raise, IReadOnlyList<Variable>? considerConstant = null)
    {
        Guard.NotNull(cost, "hessian");
        Guard.NoNulls(wrt, "hessian");
        if (cost.Ndim != 0)
        {
            throw new ArgumentException($"hessian: cost must be a scalar; got {cost.Type}", nameof(cost));
        }
        return wrt.Select(w =>
        {
            var g = Grad(cost, [w], new GradOptions
            {
                DisconnectedInputs = disconnectedInputs,
                ConsiderConstant = considerConstant ?? [],
                AddNames = false,
            })[0];
            var tangent = new Variable(FloatType(w), name: "tangent");
            var hvp = Rop([g], [w], [tangent], DisconnectedPolicy.Ignore)[0];
            var seeds = IdentitySeeds(w, tangent.DType);
            var batched = Batching.Vectorize([hvp], new Dictionary<Variable, Variable> { [tangent] = seeds })[0];
            return Unbatch(batched, w, w, seeds);
        }).ToArray();
    }

    /// <summary>
    /// Hessian-vector product: the pushforward of the gradient of <paramref name="cost"/> along <paramref name="v"/>,
    /// as cheap as two gradients.
    /// </summary>
    public static Variable HessianVectorProduct(Variable cost, Variable wrt, Variable v)
    {
        Guard.NotNull(cost, "hessian_vector_product");
        Guard.NotNull(wrt, "hessian_vector_product");
        Guard.NotNull(v, "hessian_vector_product");
        if (v.Ndim != wrt.Ndim)
        {
            throw new ArgumentException(
                $"hessian_vector_product: v must have the rank of wrt ({wrt.Type}); got {v.Type}", nameof(v));
        }
        var g = Grad(cost, wrt, new GradOptions { AddNames = false });
        return Rop([g], [wrt], [v], DisconnectedPolicy.Ignore)[0];
    }

    /// <summary>The n rows of an n×n identity, each shaped like <paramref name="like"/>: shape (n, *like.shape).</summary>
    private static Variable IdentitySeeds(Variable like, DType dtype)
    {
        var lengths = Enumerable.Range(0, like.Ndim).Select(a => T.ShapeI(like, a)).ToArray();
        var n = lengths.Length == 0 ? T.Constant(1L) : lengths.Aggregate((p, q) => p * q);
        var eye = T.Eye(n, dtype: dtype);
        return T.Reshape(eye, T.MakeVector([n, .. lengths]));
    }

    /// <summary>Turns a batched result (n, *wrt.shape) into (*of.shape, *wrt.shape); an unbatched one is broadcast.</summary>
    private static Variable Unbatch((Variable Value, bool Batched) result, Variable of, Variable wrt, Variable seeds)
    {
        var ofLengths = Enumerable.Range(0, of.Ndim).Select(a => T.ShapeI(of, a));
        var wrtLengths = Enumerable.Range(0, wrt.Ndim).Select(a => T.ShapeI(wrt, a));
        var value = result.Value;
        if (!result.Batched)
        {
            // Independent of the seed (a zero or constant derivative): the same for every row.
            value = T.Alloc(value, [T.ShapeI(seeds, 0), .. wrtLengths]);
        }
        return T.Reshape(value, T.MakeVector([.. ofLengths, .. wrtLengths]));
    }
}
