using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

/// <summary>Neural-network functions (Aesara's <c>aesara.tensor.nnet</c>): relu and the cross-entropies.</summary>
public static partial class T
{
    /// <summary>
    /// Aesara's <c>relu(x, alpha=0)</c>, built as Aesara builds it: <c>0.5 (x + |x|)</c>, and with a leak
    /// <c>0.5 (1 + alpha) x + 0.5 (1 - alpha) |x|</c>. The derivative at 0 is 0.5 (of |x|, sgn(0) = 0).
    /// </summary>
    public static Variable Relu(Variable x, double alpha = 0)
    {
        Guard.NotNull(x);
        return alpha == 0 ? 0.5 * (x + Abs(x)) : Relu(x, Constant(alpha));
    }

    /// <summary>Leaky relu with a symbolic slope <paramref name="alpha"/>.</summary>
    public static Variable Relu(Variable x, Variable alpha)
    {
        Guard.NotNull(x);
        Guard.NotNull(alpha);
        return 0.5 * (1.0 + alpha) * x + 0.5 * (1.0 - alpha) * Abs(x);
    }

    /// <summary>
    /// Aesara's <c>categorical_crossentropy(coding_dist, true_dist)</c>: <c>-Σ true · log(coding)</c> over the last
    /// axis when <paramref name="trueDist"/> has the rank of <paramref name="codingDist"/>; when it has one axis
    /// less it holds class indices and the result is <c>-log(coding[i, true[i]])</c> (the one-hot form, computed
    /// without taking the log of the other entries).
    /// </summary>
    public static Variable CategoricalCrossentropy(Variable codingDist, Variable trueDist)
    {
        Guard.NotNull(codingDist);
        Guard.NotNull(trueDist);
        if (trueDist.Ndim == codingDist.Ndim)
        {
            return -Sum(trueDist * Log(codingDist), codingDist.Ndim - 1);
        }
        if (trueDist.Ndim == codingDist.Ndim - 1)
        {
            if (!trueDist.DType.IsDiscrete() || trueDist.DType == DType.Bool)
            {
                throw new ArgumentException(
                    $"categorical_crossentropy: class indices must be integers; got {trueDist.Type}", nameof(trueDist));
            }
            // coding[i_0, ..., i_{r-2}, true[i_0, ..., i_{r-2}]]: advanced indexing picks each row's entry (no log of
            // the others) and refuses a class index outside 0..k-1 at run time, as Aesara's one-hot op does.
            int last = codingDist.Ndim - 1;
            var index = new object?[codingDist.Ndim];
            for (int a = 0; a < last; a++)
            {
                var rows = ARange(Constant(0L), ShapeI(codingDist, a), Constant(1L), DType.Int64);
                index[a] = DimShuffle(rows, Enumerable.Range(0, last).Select(b => b == a ? 0 : -1).ToArray());
            }
            index[last] = trueDist;
            return -Log(Index(codingDist, index));
        }
        throw new ArgumentException(
            $"categorical_crossentropy: true_dist must have the rank of coding_dist or one less; got {codingDist.Type} " +
            $"and {trueDist.Type}", nameof(trueDist));
    }

    /// <summary>
    /// Aesara's <c>binary_crossentropy(output, target)</c>: <c>-(t log(o) + (1 - t) log(1 - o))</c>. Of a sigmoid output
    /// the compiled function computes <c>t softplus(-z) + (1 - t) softplus(z)</c> and a finite gradient (the stabilising
    /// rewrites <c>logsigm_to_softplus</c>, <c>local_1msigmoid</c> and the cancellation of common factors); of
    /// probabilities given as data it computes the formula as written, infinite or NaN at exactly 0 or 1 as in Aesara.
    /// </summary>
    public static Variable BinaryCrossentropy(Variable output, Variable target)
    {
        Guard.NotNull(output);
        Guard.NotNull(target);
        return -(target * Log(output) + (1.0 - target) * Log(1.0 - output));
    }

    /// <summary>
    /// Aesara's <c>sigmoid_binary_crossentropy(output, target)</c>: the binary cross-entropy of
    /// <c>sigmoid(output)</c>, computed from the logits x as <c>t softplus(-x) + (1 - t) softplus(x)</c> (equal to
    /// <c>softplus(x) - x t</c>): a weighted sum of two positive, exactly computed terms, so it neither overflows
    /// nor cancels (for t = 1 and x = 40 it is softplus(-40) ≈ 4.2e-18, not 0). Its gradient is
    /// <c>sigmoid(x) - t</c> with respect to x everywhere, x = 0 included, and <c>-x</c> with respect to t.
    /// </summary>
    public static Variable SigmoidBinaryCrossentropy(Variable output, Variable target)
    {
        Guard.NotNull(output);
        Guard.NotNull(target);
        if (output.DType.IsComplex() || target.DType.IsComplex())
        {
            throw new NotSupportedException(
                $"sigmoid_binary_crossentropy: complex inputs are not supported; got {output.Type} and {target.Type}");
        }
        return target * Softplus(-output) + (1.0 - target) * Softplus(output);
    }
}
