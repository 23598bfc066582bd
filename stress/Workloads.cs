using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>The compiled graphs the memory and thread checks run: an MLP's cost and gradient, and shared counters.</summary>
public static class Workloads
{
    /// <summary>
    /// A tanh MLP of <paramref name="layers"/> layers: inputs x (batch × width) and one weight matrix and bias per
    /// layer; outputs the cost (mean squared output plus a small weight penalty) and its gradient with respect to
    /// every weight and bias.
    /// </summary>
    public static (Variable[] Inputs, Variable[] Outputs) MlpGraph(int layers = 3)
    {
        var x = T.DMatrix("x");
        var parameters = new List<Variable>();
        var h = x;
        for (int i = 0; i < layers; i++)
        {
            var w = T.DMatrix($"w{i}");
            var b = T.DVector($"b{i}");
            parameters.Add(w);
            parameters.Add(b);
            h = T.Tanh(T.Dot(h, w) + b);
        }
        var cost = T.Mean(T.Sqr(h)) + 1e-3 * T.Sum(T.Exp(parameters[0] * 0.1));
        return ([x, .. parameters], [cost, .. Autodiff.Grad(cost, parameters)]);
    }

    /// <summary>The compiled <see cref="MlpGraph"/>.</summary>
    public static Function MlpGradient(int layers = 3)
    {
        var (inputs, outputs) = MlpGraph(layers);
        return Function.Compile(inputs, outputs);
    }

    /// <summary>Arguments for <see cref="MlpGradient"/>, reproducible from <paramref name="seed"/> (owned by the caller).</summary>
    public static torch.Tensor[] MlpArguments(int seed, int layers = 3, int width = 32, int batch = 16)
    {
        var generator = new torch.Generator((ulong)seed);
        var args = new List<torch.Tensor> { torch.randn(batch, width, dtype: torch.float64, generator: generator) };
        for (int i = 0; i < layers; i++)
        {
            args.Add(torch.randn(width, width, dtype: torch.float64, generator: generator) * (1.0 / Math.Sqrt(width)));
            args.Add(torch.randn(width, dtype: torch.float64, generator: generator) * 0.1);
        }
        return args.ToArray();
    }

    /// <summary>The resident set size of this process, in bytes (Linux).</summary>
    public static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                    System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>The live native tensor count once the garbage collector has run every finalizer it can.</summary>
    public static long SettledTensorCount()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return torch.Tensor.TotalCount;
    }

    /// <summary>Disposes every tensor of <paramref name="tensors"/>.</summary>
    public static void Dispose(torch.Tensor[] tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
