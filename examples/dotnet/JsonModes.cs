using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Examples;

/// <summary>
/// The C# half of the cross-language graph tests (tests-python/test_json_parity.py): evaluate graphs Python wrote,
/// and write a graph, its inputs and C#'s results for Python to check.
/// </summary>
internal static class JsonModes
{
    /// <summary>Runs <c>json-eval</c> or <c>json-write</c>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        try
        {
            switch (args[0])
            {
                case "json-eval" when args.Length >= 3 && args.Length % 2 == 1:
                    for (int i = 1; i < args.Length; i += 2)
                    {
                        Console.WriteLine(Evaluate(File.ReadAllText(args[i]), File.ReadAllText(args[i + 1])));
                    }
                    return 0;
                case "json-write" when args.Length == 4:
                    WriteMlp(args[1], args[2], args[3]);
                    return 0;
                default:
                    Console.Error.WriteLine(
                        "usage: Gradient.Examples json-eval GRAPH VALUES [GRAPH VALUES ...] | json-write GRAPH INPUTS OUTPUTS");
                    return 2;
            }
        }
        catch (Exception e) when (e is GraphJsonException or ArgumentException or IOException or NotSupportedException)
        {
            Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Reads a graph and its input values, compiles and runs it, and returns its outputs as a values document.</summary>
    public static string Evaluate(string graphJson, string valuesJson)
    {
        using var scope = torch.NewDisposeScope();
        var graph = GraphJson.Read(graphJson);
        var values = GraphJson.ReadValues(valuesJson);
        var outputs = Function.Compile(graph.Inputs, graph.Outputs).Call(values);
        return GraphJson.WriteValues(outputs);
    }

    /// <summary>
    /// A two-layer perceptron's squared-error loss with an L2 penalty, a shared scale and a constant mixing matrix,
    /// and its gradient with respect to every parameter; also a float32 view and a per-column sum.
    /// </summary>
    private static void WriteMlp(string graphPath, string inputsPath, string outputsPath)
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("X");
        var y = T.DVector("y");
        var w1 = T.Tensor(DType.Float64, [3, 4], "W1");
        var b1 = T.DVector("b1");
        var w2 = T.DVector("w2");
        var b2 = T.DScalar("b2");
        var mix = T.Constant(torch.tensor(new[] { 1.0, 0.1, 0.0, -0.2, 0.0, 1.0, 0.3, 0.0, 0.25, 0.0, 1.0, 0.1, 0.0, 0.0, 0.0, 1.0 },
            [4, 4], torch.float64), "mix");
        using var scaleValue = torch.tensor(0.5, torch.float64);
        var scale = new SharedVariable(scaleValue, "scale");

        var hidden = T.Tanh(T.Dot(x, w1) + b1);                 // b1 broadcast over rows
        hidden.Name = "hidden";
        var prediction = T.Dot(T.Dot(hidden, mix), w2) + b2;
        var error = prediction - y;
        var loss = (T.Sqr(error).Sum() / T.Sum(T.OnesLike(y))) * scale + 0.01 * T.Sqr(w1).Sum();
        loss.Name = "loss";
        var grads = Autodiff.Grad(loss, [w1, b1, w2, b2]);
        var columns = T.Sum(hidden, axis: 0);
        var single = T.Cast(prediction, DType.Float32) * 2.0;
        Variable[] inputs = [x, y, w1, b1, w2, b2];
        Variable[] outputs = [loss, .. grads, columns, single, T.Exp(-T.Sqr(error)).Sum(axis: 0)];

        torch.manual_seed(11);
        torch.Tensor[] values =
        [
            torch.randn(5, 3, dtype: torch.float64), torch.randn(5, dtype: torch.float64),
            torch.randn(3, 4, dtype: torch.float64), torch.randn(4, dtype: torch.float64),
            torch.randn(4, dtype: torch.float64), torch.tensor(0.3, torch.float64),
        ];
        var results = Function.Compile(inputs, outputs).Call(values);
        GraphJson.Save(graphPath, inputs, outputs);
        File.WriteAllText(inputsPath, GraphJson.WriteValues(values));
        File.WriteAllText(outputsPath, GraphJson.WriteValues(results));
    }
}
