using System.Diagnostics;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.GpuCheck;

/// <summary>
/// The benchmark cases (as in bench/): a 10-layer tanh MLP of width 256 on a batch of 64, cost and every gradient
/// (float64, and float32); the same with 100 layers of width 32; the Jacobian of tanh(A x) for 200 inputs; the Hessian
/// of a scalar cost of 100 inputs; the R-op of the MLP's output. Each is compared between the devices, then timed on
/// both: arguments already on the device, results synchronized, median of the runs.
/// </summary>
internal static class Benchmarks
{
    private sealed record Bench(string Name, Variable[] Inputs, Variable[] Outputs, torch.Tensor[] Values);

    public static List<(string Name, double Reference, double Device)> Run(Checker check, TextWriter log, int runs)
    {
        log.WriteLine("== benchmark cases: results");
        var cases = Cases();
        foreach (var b in cases)
        {
            check.Compare(b.Name, b.Inputs, b.Outputs, b.Values, verbose: true);
        }
        log.WriteLine($"== benchmark cases: timings (median of {runs} runs; arguments on the device, results synchronized)");
        var times = new List<(string, double, double)>();
        foreach (var b in cases)
        {
            times.Add((b.Name, Time(b, check.Reference, runs), Time(b, check.Device, runs)));
        }
        return times;
    }

    private static double Time(Bench b, torch.Device device, int runs)
    {
        using var scope = torch.NewDisposeScope();
        var f = Function.Compile(b.Inputs, b.Outputs, new CompileOptions { Device = Devices.Name(device) });
        var args = b.Values.Select(v => Devices.To(v, device)).ToArray();
        void Once()
        {
            foreach (var r in f.Call(args))
            {
                r.Dispose();
            }
            if (device.type == DeviceType.CUDA)
            {
                torch.cuda.synchronize(device);
            }
        }
        for (int i = 0; i < 3; i++)
        {
            Once();
        }
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            Once();
            samples[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(samples);
        return samples[runs / 2];
    }

    private static List<Bench> Cases()
    {
        var generator = new torch.Generator(2024);
        torch.Tensor Randn(DType dtype, params long[] shape) =>
            torch.randn(shape, torch.float64, generator: generator).to_type(dtype.ToTorch()).DetachFromDisposeScope();

        var cases = new List<Bench>();
        foreach (var (layers, width, dtype) in new[] { (10, 256, DType.Float64), (10, 256, DType.Float32), (100, 32, DType.Float64) })
        {
            var (inputs, h, parameters) = Mlp(layers, width, dtype);
            var cost = (h * h).Sum();
            var values = MlpValues(layers, width, dtype, Randn);
            cases.Add(new($"mlp {layers}×{width} batch 64 {dtype.Name()}: cost + grads", inputs,
                [cost, .. Autodiff.Grad(cost, parameters)], values));
            if (layers == 10 && dtype == DType.Float64)
            {
                var directions = parameters.Select(p => new Variable(p.Type, name: $"d{p.Name}")).ToArray();
                var directionValues = values.Skip(1).Select(v => Randn(dtype, v.Lengths()) * 0.1).ToArray();
                cases.Add(new($"mlp {layers}×{width} batch 64 {dtype.Name()}: Rop of the output", [.. inputs, .. directions],
                    Autodiff.Rop([h], parameters, directions), [.. values, .. directionValues]));
            }
        }
        {
            const int n = 200;
            var a = T.DMatrix("A");
            var x = T.DVector("x");
            cases.Add(new("jacobian of tanh(A x), 200 inputs", [a, x], [Autodiff.Jacobian(T.Tanh(T.Dot(a, x)), [x])[0]],
                [Randn(DType.Float64, n, n) / Math.Sqrt(n), Randn(DType.Float64, n)]));
        }
        {
            const int n = 100;
            var a = T.DMatrix("A");
            var x = T.DVector("x");
            var cost = T.Tanh(T.Dot(a, x)).Sum() + (x * x * x * x).Sum() / 4.0;
            cases.Add(new("hessian of a scalar cost, 100 inputs", [a, x], [Autodiff.Hessian(cost, [x])[0]],
                [Randn(DType.Float64, n, n) / Math.Sqrt(n), Randn(DType.Float64, n)]));
        }
        return cases;
    }

    /// <summary>A tanh MLP: its inputs (x, then each weight and bias), its output and its parameters.</summary>
    private static (Variable[] Inputs, Variable Output, Variable[] Parameters) Mlp(int layers, int width, DType dtype)
    {
        var x = T.Matrix(dtype, "x");
        var parameters = new List<Variable>();
        var h = x;
        for (int i = 0; i < layers; i++)
        {
            var w = T.Matrix(dtype, $"W{i}");
            var b = T.Vector(dtype, $"b{i}");
            parameters.Add(w);
            parameters.Add(b);
            h = T.Tanh(T.Dot(h, w) + b);
        }
        return ([x, .. parameters], h, parameters.ToArray());
    }

    private static torch.Tensor[] MlpValues(int layers, int width, DType dtype, Func<DType, long[], torch.Tensor> randn)
    {
        var values = new List<torch.Tensor> { randn(dtype, [64, width]) };
        for (int i = 0; i < layers; i++)
        {
            values.Add(randn(dtype, [width, width]) / Math.Sqrt(width));
            values.Add(randn(dtype, [width]) * 0.1);
        }
        return values.ToArray();
    }
}
