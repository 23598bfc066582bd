using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient;

/// <summary>
/// The analytic and numeric gradients disagree (Aesara's <c>GradientError</c>): at flat position
/// <see cref="ErrPos"/> of argument <see cref="Arg"/> (-1 for the forward-mode check), both errors exceed their
/// tolerances.
/// </summary>
public sealed class GradientException(int arg, long errPos, long[] shape, double val1, double val2, double absErr,
    double relErr, double absTol, double relTol)
    : Exception($"GradientError: numeric gradient and analytic gradient exceed tolerance: at position {errPos} of " +
                $"argument {arg} with shape ({string.Join(", ", shape)}), val1 = {val1}, val2 = {val2}, " +
                $"abs. error = {absErr} (tolerance {absTol}), rel. error = {relErr} (tolerance {relTol})")
{
    /// <summary>Which argument disagrees most (-1: the forward-mode check).</summary>
    public int Arg { get; } = arg;

    /// <summary>The flat position of the worst element.</summary>
    public long ErrPos { get; } = errPos;

    /// <summary>The argument's shape.</summary>
    public long[] Shape { get; } = shape;

    /// <summary>The analytic value.</summary>
    public double Val1 { get; } = val1;

    /// <summary>The numeric value.</summary>
    public double Val2 { get; } = val2;

    /// <summary>|val1 - val2|.</summary>
    public double AbsErr { get; } = absErr;

    /// <summary>|val1 - val2| / max(|val1| + |val2|, 1e-8).</summary>
    public double RelErr { get; } = relErr;

    /// <summary>The absolute tolerance.</summary>
    public double AbsTol { get; } = absTol;

    /// <summary>The relative tolerance.</summary>
    public double RelTol { get; } = relTol;
}

/// <summary>
/// One-sided finite-difference gradient of a scalar function (Aesara's <c>numeric_grad</c>): step 1e-7 for float64,
/// 3e-4 for float32, in the lowest precision among the inputs.
/// </summary>
public sealed class NumericGrad
{
    /// <summary>Computes the gradient of <paramref name="f"/> at <paramref name="point"/> (float64 copies are used).</summary>
    public NumericGrad(Func<torch.Tensor[], double> f, IReadOnlyList<torch.Tensor> point, double? eps = null)
    {
        Guard.NotNull(f, "numeric_grad");
        Guard.NoNulls(point, "numeric_grad");
        CheckStep(eps, "numeric_grad");
        bool single = point.Any(p => p.dtype == torch.float32 || p.dtype == torch.float16);
        double step = eps ?? (point.Any(p => p.dtype == torch.float16) ? 5e-2 : single ? 3e-4 : 1e-7);
        var values = point.Select(p => p.detach().clone()).ToArray();
        double baseline = f(values);
        Gradients = new torch.Tensor[values.Length];
        for (int a = 0; a < values.Length; a++)
        {
            var flat = values[a].view(-1);
            var g = torch.zeros(flat.Lengths()[0], dtype: torch.float64);
            for (long i = 0; i < flat.Lengths()[0]; i++)
            {
                double saved = flat[i].to_type(torch.float64).item<double>();
                flat[i] = torch.tensor(saved + step, dtype: flat.dtype);
                g[i] = torch.tensor((f(values) - baseline) / step, dtype: torch.float64);
                flat[i] = torch.tensor(saved, dtype: flat.dtype);
            }
            Gradients[a] = g.view(values[a].Lengths());
        }
    }

    /// <summary>A finite-difference step must be a positive finite number (or null: the default).</summary>
    internal static void CheckStep(double? eps, string who)
    {
        if (eps is double e && !(e > 0 && double.IsFinite(e)))
        {
            throw new ArgumentException($"{who}: eps must be a positive finite step; got {e}", nameof(eps));
        }
    }

    /// <summary>The numeric gradient, one float64 tensor per argument.</summary>
    public torch.Tensor[] Gradients { get; }

    /// <summary>Absolute and relative error: <c>|a-b|</c> and <c>|a-b| / max(|a|+|b|, 1e-8)</c>.</summary>
    public static (torch.Tensor Abs, torch.Tensor Rel) AbsRelErr(torch.Tensor a, torch.Tensor b)
    {
        var abs = (a.to_type(torch.float64) - b.to_type(torch.float64)).abs();
        var rel = abs / (a.to_type(torch.float64).abs() + b.to_type(torch.float64).abs()).clamp_min(1e-8);
        return (abs, rel);
    }

    /// <summary>
    /// The worst disagreement with <paramref name="analytic"/>, where <c>min(abs/absTol, rel/relTol)</c> is largest:
    /// (argument, flat position, absolute error, relative error).
    /// </summary>
    public (int Arg, long Pos, double AbsErr, double RelErr) MaxErr(IReadOnlyList<torch.Tensor> analytic, double absTol,
        double relTol)
    {
        if (analytic.Count != Gradients.Length)
        {
            throw new ArgumentException($"numeric_grad: {analytic.Count} analytic gradients for {Gradients.Length} inputs");
        }
        (double Score, int Arg, long Pos, double Abs, double Rel) best = (-1, 0, 0, 0, 0);
        for (int a = 0; a < Gradients.Length; a++)
        {
            if (!analytic[a].Lengths().SequenceEqual(Gradients[a].Lengths()))
            {
                throw new ArgumentException(
                    $"numeric_grad: analytic gradient {a} has shape {Kernels.Kernels.Show(analytic[a].Lengths())}, expected " +
                    Kernels.Kernels.Show(Gradients[a].Lengths()));
            }
            if (Gradients[a].NumberOfElements == 0)
            {
                continue;
            }
            var (abs, rel) = AbsRelErr(analytic[a], Gradients[a]);
            if (!abs.isfinite().all().item<bool>() || !rel.isfinite().all().item<bool>())
            {
                throw new ArgumentException($"numeric_grad: the errors of argument {a} are not finite");
            }
            var score = torch.minimum(abs / absTol, rel / relTol).view(-1);
            long pos = score.argmax().item<long>();
            double s = score[pos].item<double>();
            if (s > best.Score)
            {
                best = (s, a, pos, abs.view(-1)[pos].item<double>(), rel.view(-1)[pos].item<double>());
            }
        }
        return (best.Arg, best.Pos, best.Abs, best.Rel);
    }
}

public static partial class Autodiff
{
    /// <summary>
    /// Checks the gradient of <paramref name="fun"/> against finite differences at <paramref name="point"/> (Aesara's
    /// <c>verify_grad</c>): the cost is <c>sum(random_projection * fun(inputs))</c>, checked
    /// <paramref name="nTests"/> times. With <paramref name="checkForward"/> the R-op of the cost along a random
    /// direction is checked too (JAX's <c>check_grads</c> forward mode).
    /// </summary>
    /// <exception cref="GradientException">Some element exceeds both tolerances.</exception>
    public static void VerifyGrad(Func<Variable[], Variable> fun, IReadOnlyList<torch.Tensor> point, int nTests = 2,
        int seed = 42, double? eps = null, double? absTol = null, double? relTol = null, bool checkForward = false)
    {
        Guard.NotNull(fun, "verify_grad");
        Guard.NoNulls(point, "verify_grad");
        NumericGrad.CheckStep(eps, "verify_grad");
        var dtypes = point.Select(p => DTypes.FromTorch(p.dtype)).ToArray();
        for (int i = 0; i < dtypes.Length; i++)
        {
            if (!dtypes[i].IsFloat())
            {
                throw new ArgumentException(
                    $"verify_grad can work only with floating point inputs, but input {i} has dtype {dtypes[i].Name()}");
            }
        }
        double tolerance = dtypes.Select(d => d switch { DType.Float16 => 5e-2, DType.Float32 => 1e-2, _ => 1e-4 })
            .DefaultIfEmpty(1e-4).Max();
        double aTol = absTol ?? tolerance, rTol = relTol ?? tolerance;
        var lenient = new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore };
        var inputs = point.Select((p, i) => T.Tensor(dtypes[i], p.Lengths().Select(n => n == 1 ? (long?)1 : null).ToArray(),
            $"input {i}")).ToArray();
        var output = fun(inputs) ?? throw new ArgumentException("verify_grad: fun returned null; expected a Variable",
            nameof(fun));
        using var shape = Function.Compile(inputs, [output], lenient).Call([.. point])[0];
        var generator = new torch.Generator((ulong)seed);
        using var projection = new SharedVariable(torch.rand(shape.Lengths(), dtype: torch.float64, generator: generator) + 0.5,
            "random_projection", borrow: true);
        var cost = (T.Cast(projection, output.DType) * output).Sum();
        var costFn = Function.Compile(inputs, [cost], lenient);
        var gradFn = Function.Compile(inputs, Grad(cost, inputs, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore }), lenient);
        double Cost(torch.Tensor[] values)
        {
            using var result = costFn.Call(values)[0];
            return result.to_type(torch.float64).item<double>();
        }
        for (int test = 0; test < nTests; test++)
        {
            using var scope = torch.NewDisposeScope();
            var numeric = new NumericGrad(Cost, point, eps);
            var analytic = gradFn.Call([.. point]);
            var (arg, pos, absErr, relErr) = numeric.MaxErr(analytic, aTol, rTol);
            if (absErr > aTol && relErr > rTol)
            {
                throw new GradientException(arg, pos, analytic[arg].Lengths(),
                    analytic[arg].view(-1)[pos].to_type(torch.float64).item<double>(),
                    numeric.Gradients[arg].view(-1)[pos].item<double>(), absErr, relErr, aTol, rTol);
            }
            if (checkForward)
            {
                var tangents = point.Select((p, i) => T.Tensor(dtypes[i], inputs[i].Type.Shape, $"tangent {i}")).ToArray();
                var directional = Rop([cost], inputs, tangents, DisconnectedPolicy.Ignore)[0];
                var directions = point.Select(p => (torch.rand(p.Lengths(), dtype: torch.float64, generator: generator) - 0.5)
                    .to_type(p.dtype)).ToArray();
                double exact = Function.Compile([.. inputs, .. tangents], [directional], lenient)
                    .Call([.. point, .. directions])[0].to_type(torch.float64).item<double>();
                double step = eps ?? (dtypes.Any(d => d != DType.Float64) ? 3e-4 : 1e-7);
                var moved = point.Zip(directions, (p, d) => (p + step * d).to_type(p.dtype)).ToArray();
                double approximate = (Cost(moved) - Cost([.. point])) / step;
                double fAbs = Math.Abs(exact - approximate), fRel = fAbs / Math.Max(Math.Abs(exact) + Math.Abs(approximate), 1e-8);
                if (fAbs > aTol && fRel > rTol)
                {
                    throw new GradientException(-1, 0, [], exact, approximate, fAbs, fRel, aTol, rTol);
                }
            }
            projection.SetValue(torch.rand(shape.Lengths(), dtype: torch.float64, generator: generator) + 0.5, borrow: true);
        }
    }
}
