using System.Globalization;
using Gradient;
using Gradient.Compile;
using Gradient.GpuCheck;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

// Usage: Gradient.GpuCheck [--device cuda] [--reference cpu] [--runs N] [--every K] [--filter TEXT]
//   Compares every result on --device with the same graph on --reference (placement, benchmark cases, the op sweep),
//   times the benchmark cases on both (median of N runs) and ends with "N comparisons, N failed" (exit 0 when none
//   failed). --every K sweeps every Kth op case only; --filter sweeps the cases whose table or name contains TEXT.
//   With --device cpu it runs everywhere (CPU against CPU): that is how the test suite checks this program.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var log = Console.Out;
torch.Device device, reference;
try
{
    device = Devices.Parse(Option("--device", "cuda"), "--device");
    reference = Devices.Parse(Option("--reference", "cpu"), "--reference");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
int runs = int.Parse(Option("--runs", "20"), CultureInfo.InvariantCulture);
int every = int.Parse(Option("--every", "1"), CultureInfo.InvariantCulture);
string filter = Option("--filter", "");

log.WriteLine($"Gradient GPU check: {Devices.Name(device)} against {Devices.Name(reference)}");
log.WriteLine($".NET {Environment.Version}; TorchSharp {typeof(torch).Assembly.GetName().Version}; " +
              $"{Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}");
log.WriteLine($"CUDA: {Devices.CudaReport()}");
try
{
    Devices.Require(device, "--device");
    Devices.Require(reference, "--reference");
}
catch (DeviceUnavailableException e)
{
    log.WriteLine(e.Message);
    log.WriteLine("0 comparisons, 1 failed");
    return 1;
}

var check = new Checker(reference, device, log);
Placement(check, log);
var times = Benchmarks.Run(check, log, runs);
log.WriteLine($"| case | {Devices.Name(reference)} (ms) | {Devices.Name(device)} (ms) | speed-up |");
log.WriteLine("|---|---|---|---|");
foreach (var (name, onReference, onDevice) in times)
{
    log.WriteLine($"| {name} | {onReference:0.000} | {onDevice:0.000} | {onReference / onDevice:0.00}× |");
}
new OpSweep(check, log).Run(every, filter);
log.WriteLine($"{check.Comparisons} comparisons, {check.Failures} failed");
return check.Failures == 0 ? 0 : 1;

// Where a function keeps its tensors: shared values and constants on its device, outputs there (or on the CPU).
static void Placement(Checker check, TextWriter log)
{
    log.WriteLine("== placement");
    using var scope = torch.NewDisposeScope();
    string name = Devices.Name(check.Device);
    var x = T.DMatrix("x");
    var w = Shared.Create(torch.tensor(new[] { 1.0, -2.0, 0.5, 3.0 }, [2, 2], torch.float64), "w");
    var cost = T.Sqr(T.Dot(x, w) + T.Constant(torch.tensor(new[] { 0.25, -0.75 }, torch.float64))).Sum();
    var f = Function.Compile([x], [cost, Autodiff.Grad(cost, w)], new CompileOptions
    {
        Device = name,
        Updates = [new(w, w - 0.1 * Autodiff.Grad(cost, w))],
    });
    string Where(torch.Tensor t) => Devices.Name(t.device);
    check.Record("shared value moved to the function's device when compiled",
        Where(w.GetValue(borrow: true)) == name ? null : $"it is on {Where(w.GetValue(borrow: true))}", name);
    check.Record("constants held on the function's device",
        f.ConstantDevices.All(d => d == name) ? null : $"they are on {string.Join(", ", f.ConstantDevices)}",
        $"{f.ConstantDevices.Count} constant(s)");
    var xv = torch.tensor(new[] { 1.0, 2.0, -1.0, 0.5 }, [2, 2], torch.float64);
    var outs = f.Call(xv);
    check.Record("outputs on the function's device",
        outs.All(o => Where(o) == name) ? null : $"they are on {string.Join(", ", outs.Select(Where))}", name);
    check.Record("updated shared value stays on the device",
        Where(w.GetValue(borrow: true)) == name ? null : $"it is on {Where(w.GetValue(borrow: true))}", name);
    var g = Function.Compile([x], [cost], new CompileOptions { Device = name, OutputsOnCpu = true });
    check.Record("OutputsOnCpu returns CPU tensors",
        g.Call(xv)[0].device_type == DeviceType.CPU ? null : "the output is not on the CPU", "cpu");
}
