using System.Text.RegularExpressions;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.RandomVariables;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Device plumbing: device names, <see cref="Config.Device"/> and <see cref="CompileOptions.Device"/>, the errors for a
/// CUDA device this process cannot use and for ops bound to the CPU, and where a function keeps its tensors. Each
/// placement test runs on every device this machine has (the CPU here, the GPU too where libtorch sees one), through
/// the code path CUDA takes.
/// </summary>
public sealed class DeviceTests : ScopedTests
{
    /// <summary>The devices to run placement tests on: the CPU, and GPU 0 when libtorch can use it.</summary>
    public static IEnumerable<string> Usable() => Kernels.Devices.CudaAvailable ? ["cpu", "cuda:0"] : ["cpu"];

    [TestCase("cpu", "cpu")]
    [TestCase("cuda", "cuda:0")]
    [TestCase("cuda0", "cuda:0")]
    [TestCase("cuda1", "cuda:1")]
    [TestCase("cuda:2", "cuda:2")]
    public void Device_names_parse_to_their_canonical_form(string name, string canonical) =>
        Assert.That(Kernels.Devices.Name(Kernels.Devices.Parse(name)), Is.EqualTo(canonical));

    [TestCase("gpu")]
    [TestCase("CPU")]
    [TestCase("cuda-0")]
    [TestCase("cuda:")]
    [TestCase("opencl0:0")]
    [TestCase("")]
    public void Other_device_names_are_refused_by_spelling(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.Devices.Parse(name, "config.device"));
        Assert.That(e!.Message, Does.StartWith("config.device: expected 'cpu', 'cuda', 'cuda:N'").And.EndWith($"got '{name}'"));
        Assert.That(e, Is.Not.InstanceOf<DeviceUnavailableException>());
    }

    [Test]
    public void Config_device_is_cpu_by_default_and_validated_when_set()
    {
        Assert.That(Config.Device, Is.EqualTo("cpu"));
        Config.Device = "cpu";
        Assert.That(Config.Device, Is.EqualTo("cpu"));
        Assert.Throws<ArgumentException>(() => Config.Device = "gpu");
        Assert.That(Config.Device, Is.EqualTo("cpu"));
    }

    [TestCase("cuda")]
    [TestCase("cuda0")]
    [TestCase("cuda:1")]
    public void A_cuda_device_without_cuda_is_refused_saying_what_was_looked_for(string name)
    {
        Assume.That(Kernels.Devices.CudaAvailable, Is.False, "this machine has CUDA");
        var e = Assert.Throws<DeviceUnavailableException>(() => Config.Device = name);
        Assert.That(e!.Message, Does.StartWith($"config.device: '{name}' was asked for, but CUDA is not available"));
        Assert.That(e.Message, Does.Contain("torch.cuda.is_available() is false"));
        Assert.That(e.Message, Does.Contain("libtorch_cuda.so was looked for next to TorchSharp.dll"));
        Assert.That(e.Message, Does.Contain("LD_LIBRARY_PATH").And.Contain("libLibTorchSharp.so"));
        Assert.That(Config.Device, Is.EqualTo("cpu"), "a refused device leaves the setting as it was");

        var x = T.DVector("x");
        var f = Assert.Throws<DeviceUnavailableException>(() =>
            Function.Compile([x], [x * 2.0], new CompileOptions { Device = name, Name = "double" }));
        Assert.That(f!.Message, Does.StartWith($"function double: device: '{name}' was asked for, but CUDA is not available"));
    }

    [Test]
    public void A_bad_device_name_in_compile_options_is_an_argument_error()
    {
        var x = T.DVector("x");
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([x], [x], new CompileOptions { Device = "tpu" }));
        Assert.That(e!.Message, Does.StartWith("function: device: expected 'cpu'").And.Contain("got 'tpu'"));
    }

    [Test]
    public void An_op_bound_to_the_cpu_is_refused_at_compile_time_for_cuda_before_cuda_is_touched()
    {
        var x = T.DVector("x");
        var y = HostOnlyOp.Instance.Call(x) * 2.0;
        // Refused for CUDA whether or not this machine has it: the graph is checked before the device.
        var e = Assert.Throws<NotSupportedException>(() =>
            Function.Compile([x], [y], new CompileOptions { Device = "cuda", Name = "f" }));
        Assert.That(e!.Message, Is.EqualTo(
            "function f: compiled for device 'cuda:0', but HostOnly (HostOnlyOp) has no kernel there (CPU only); " +
            "compile it for device 'cpu'"));
        var f = Function.Compile([x], [y], new CompileOptions { Device = "cpu" });
        Assert.That(GradCheck.Doubles(f.Call(Vec(1, 2))[0]), Is.EqualTo(new[] { 2.0, 4.0 }));
    }

    [TestCaseSource(nameof(Usable))]
    public void An_mlp_gradient_on_an_explicit_device_equals_the_default(string device)
    {
        var (inputs, outputs) = Mlp();
        var values = MlpValues();
        var byDefault = Function.Compile(inputs, outputs).Call(values);
        var explicitly = Function.Compile(inputs, outputs, new CompileOptions { Device = device });
        Assert.That(explicitly.Device, Is.EqualTo(device));
        var results = explicitly.Call(values);
        Assert.That(results, Has.Length.EqualTo(byDefault.Length));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.That(Kernels.Devices.Name(results[i].device), Is.EqualTo(device), $"output {i} lives on the device");
            Assert.That(GradCheck.Doubles(results[i].cpu()), Is.EqualTo(GradCheck.Doubles(byDefault[i])).Within(1e-12),
                $"output {i}");
        }
    }

    [TestCaseSource(nameof(Usable))]
    public void Config_device_is_what_functions_use_by_default(string device)
    {
        var x = T.DVector("x");
        try
        {
            Config.Device = device;
            var f = Function.Compile([x], [T.Tanh(x).Sum(), Autodiff.Grad(T.Tanh(x).Sum(), x)]);
            Assert.That(f.Device, Is.EqualTo(device));
            var outs = f.Call(Vec(0.5, -1));
            Assert.That(outs[1].cpu().data<double>().ToArray(),
                Is.EqualTo(new[] { 1 - Math.Pow(Math.Tanh(0.5), 2), 1 - Math.Pow(Math.Tanh(-1), 2) }).Within(1e-15));
        }
        finally
        {
            Config.Device = "cpu";
        }
    }

    [TestCaseSource(nameof(Usable))]
    public void Shared_values_and_constants_live_on_the_function_device(string device)
    {
        var x = T.DMatrix("x");
        var w = Shared.Create(torch.tensor(new[] { 1.0, -2.0, 0.5, 3.0 }, [2, 2], ScalarType.Float64), "w");
        var offset = T.Constant(Vec(0.25, -0.75), "offset");
        var cost = T.Sqr(T.Dot(x, w) + offset).Sum();
        var f = Function.Compile([x], [cost], new CompileOptions
        {
            Device = device,
            Updates = [new(w, w - 0.1 * Autodiff.Grad(cost, w))],
        });
        // Compiling moved the shared value; the constants the function holds are there too.
        Assert.That(Kernels.Devices.Name(w.GetValue(borrow: true).device), Is.EqualTo(device));
        Assert.That(f.ConstantDevices, Is.Not.Empty.And.All.EqualTo(device));
        var before = Kernels.Kernels.DataAddress(w.GetValue(borrow: true));
        var reference = Function.Compile([x], [cost], new CompileOptions { Device = "cpu" });
        var xv = torch.tensor(new[] { 1.0, 2.0, -1.0, 0.5 }, [2, 2], ScalarType.Float64);
        double expected = reference.Call(xv)[0].item<double>();
        Assert.That(f.Call(xv)[0].item<double>(), Is.EqualTo(expected).Within(1e-12));
        // The update stays on the device; the read-only function on the CPU moves the value back, once.
        Assert.That(Kernels.Devices.Name(w.GetValue(borrow: true).device), Is.EqualTo(device));
        Assert.That(Kernels.Kernels.DataAddress(w.GetValue(borrow: true)), Is.Not.EqualTo(before), "the update replaced it");
        reference.Call(xv);
        Assert.That(Kernels.Devices.Name(w.GetValue(borrow: true).device), Is.EqualTo("cpu"));
        var settled = Kernels.Kernels.DataAddress(w.GetValue(borrow: true));
        reference.Call(xv);
        Assert.That(Kernels.Kernels.DataAddress(w.GetValue(borrow: true)), Is.EqualTo(settled), "not moved in every call");
    }

    [TestCaseSource(nameof(Usable))]
    public void Outputs_come_back_on_the_cpu_when_asked(string device)
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [x * 3.0, x], new CompileOptions { Device = device, OutputsOnCpu = true });
        Assert.That(f.OutputsOnCpu, Is.True);
        var input = Vec(1, 2);
        var outs = f.Call(input);
        Assert.That(outs.Select(o => o.device_type), Is.All.EqualTo(DeviceType.CPU));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 3.0, 6.0 }));
        Assert.That(Kernels.Kernels.DataAddress(outs[1]), Is.Not.EqualTo(Kernels.Kernels.DataAddress(input)),
            "a returned input is a copy, never the caller's tensor");
    }

    [TestCaseSource(nameof(Usable))]
    public void Random_draws_give_the_same_numbers_on_every_device(string device)
    {
        var stream = new RandomStream(42);
        var sample = stream.Normal(T.Constant(Vec(0, 10)), T.Constant(Vec(1, 2)));
        var f = Function.Compile([], [sample], new CompileOptions { Device = device });
        stream.Seed(7);
        var onDevice = GradCheck.Doubles(f.Call(Array.Empty<Tensor>())[0].cpu());
        stream.Seed(7);
        var onCpu = GradCheck.Doubles(Function.Compile([], [sample]).Call(Array.Empty<Tensor>())[0]);
        Assert.That(onDevice, Is.EqualTo(onCpu));
    }

    [Test]
    public void Kernels_never_create_tensors_without_saying_where()
    {
        // On the CPU a tensor made without a device lands where everything else is; on a GPU it does not, and only a
        // GPU run would notice. So every factory call in the kernels and ops names its device, or says why it is the
        // host's (a graph constant, memory read from the host, a draw from the CPU generator).
        var root = RepositoryRoot();
        var factory = new Regex(@"(?<![\w.])(?:torch\.)?(zeros|ones|empty|full|arange|eye|tensor|randn|rand|randint|randperm|linspace|sparse_coo_tensor)\(");
        var offenders = new List<string>();
        var files = Directory.GetFiles(Path.Combine(root, "kernels"), "*.cs")
            .Concat(Directory.GetFiles(Path.Combine(root, "managed", "Ops"), "*.cs", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }
                foreach (Match m in factory.Matches(lines[i]))
                {
                    var call = Call(lines, i, m.Index + m.Length);
                    if (!call.Contains("device", StringComparison.Ordinal) && !lines[i].Contains("// host:", StringComparison.Ordinal))
                    {
                        offenders.Add($"{Path.GetFileName(file)}:{i + 1}: {code}");
                    }
                }
            }
        }
        Assert.That(offenders, Is.Empty, "factory calls without a device (add device: or a '// host: why' comment)");
    }

    /// <summary>The argument text of a call whose '(' ends at <paramref name="start"/>, across lines.</summary>
    private static string Call(string[] lines, int line, int start)
    {
        var text = new System.Text.StringBuilder();
        int depth = 1;
        for (int i = line, at = start; i < lines.Length && depth > 0; i++, at = 0)
        {
            for (; at < lines[i].Length && depth > 0; at++)
            {
                char c = lines[i][at];
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                text.Append(c);
            }
        }
        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(DeviceTests).Assembly.Location)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gradient.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Gradient.sln not found above the test assembly");
    }

    private static (Variable[] Inputs, Variable[] Outputs) Mlp()
    {
        var x = T.DMatrix("x");
        var parameters = new List<Variable>();
        var h = x;
        for (int i = 0; i < 3; i++)
        {
            var w = T.DMatrix($"W{i}");
            var b = T.DVector($"b{i}");
            parameters.Add(w);
            parameters.Add(b);
            h = T.Tanh(T.Dot(h, w) + b);
        }
        var cost = (h * h).Sum();
        return ([x, .. parameters], [cost, .. Autodiff.Grad(cost, parameters)]);
    }

    private static Tensor[] MlpValues()
    {
        var values = new List<Tensor> { GradCheck.Uniform([8, 5], seed: 1) };
        for (int i = 0; i < 3; i++)
        {
            values.Add(GradCheck.Uniform([5, 5], -0.5, 0.5, seed: 10 + i));
            values.Add(GradCheck.Uniform([5], -0.1, 0.1, seed: 20 + i));
        }
        return values.ToArray();
    }

    /// <summary>An op that says it runs only on the CPU (as one that reads its inputs on the host would).</summary>
    private sealed class HostOnlyOp : Op
    {
        public static readonly HostOnlyOp Instance = new();

        public override Apply MakeNode(params Variable[] inputs) => new(this, inputs, [inputs[0].Type]);

        public override Tensor[] Perform(Apply node, Tensor[] inputs) => [inputs[0].alias()];

        public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [outputGradients[0]];

        public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];

        public override bool RunsOn(DeviceType device) => device == DeviceType.CPU;

        public override string ToString() => "HostOnly";
    }
}
