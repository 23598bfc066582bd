using System.Text.Json;
using Gradient;
using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

// Usage: Gradient.Examples            — logistic regression trained by gradient descent
//        Gradient.Examples parity     — reads {"X": [[..]], "s": [..], "w": [..], "b": v} on stdin, prints the
//                                       loss and its gradients as JSON (used by the cross-language parity test)
//        Gradient.Examples json-eval G1 V1 [G2 V2 ...]
//                                     — evaluates each graph file Gi (docs/graph-json.md) on the values file Vi,
//                                       printing one values document of its outputs per line
//        Gradient.Examples parity-corpus CORPUS_DIR WORK_DIR [CASE ...]
//                                     — derives, evaluates and writes every case of the parity corpus
//                                       (tests-parity/corpus), reading back what Python wrote (ParityCorpus.cs)
//        Gradient.Examples json-write GRAPH INPUTS OUTPUTS
//                                     — builds a small MLP loss and its gradient, writes the graph, input values
//                                       and the outputs C# computes from them (see JsonModes.cs)
if (args.Length > 0 && args[0] == "parity")
{
    Parity();
}
else if (args.Length > 0 && args[0] == "parity-corpus")
{
    Environment.Exit(Gradient.Examples.ParityCorpus.Run(args));
}
else if (args.Length > 0 && args[0] is "json-eval" or "json-write")
{
    Environment.Exit(Gradient.Examples.JsonModes.Run(args));
}
else
{
    Train();
}

// The logistic loss with labels s in {-1, +1}: mean over samples of log(1 + exp(-s (X·w + b))).
static (Variable Loss, Variable X, Variable S, Variable W, Variable B) LogisticLoss()
{
    var x = T.DMatrix("X");
    var s = T.DVector("s");
    var w = T.DVector("w");
    var b = T.DScalar("b");
    var margin = -s * (T.Dot(x, w) + b);
    var loss = T.Log(1.0 + T.Exp(margin)).Sum() / T.Sum(T.OnesLike(s));
    loss.Name = "loss";
    return (loss, x, s, w, b);
}

static void Train()
{
    using var scope = torch.NewDisposeScope();
    torch.manual_seed(0);
    var xData = torch.randn(200, 3, dtype: torch.float64);
    var wTrue = torch.tensor(new[] { 2.0, -3.0, 1.5 });
    var sData = torch.where(xData.matmul(wTrue) + 0.5 > 0, 1.0, -1.0).to_type(torch.float64);

    var (loss, x, s, w, b) = LogisticLoss();
    var grads = Autodiff.Grad(loss, [w, b]);
    var step = Function.Compile([x, s, w, b], [loss, grads[0], grads[1]]);

    var wValue = torch.zeros(3, dtype: torch.float64);
    var bValue = torch.tensor(0.0, dtype: torch.float64);
    const double rate = 8.0;
    for (int i = 0; i <= 200; i++)
    {
        using var inner = torch.NewDisposeScope();
        var outs = step.Call(xData, sData, wValue, bValue);
        if (i % 20 == 0)
        {
            Console.WriteLine($"C#     step {i,3}: loss {outs[0].item<double>():F6}");
        }
        wValue = (wValue - rate * outs[1]).MoveToOuterDisposeScope();
        bValue = (bValue - rate * outs[2]).MoveToOuterDisposeScope();
    }
}

static void Parity()
{
    var doc = JsonDocument.Parse(Console.In.ReadToEnd()).RootElement;
    double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    var rows = doc.GetProperty("X").EnumerateArray().Select(Vector).ToArray();
    var xData = torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length], torch.float64);
    var sData = torch.tensor(Vector(doc.GetProperty("s")), torch.float64);
    var wData = torch.tensor(Vector(doc.GetProperty("w")), torch.float64);
    var bData = torch.tensor(doc.GetProperty("b").GetDouble(), torch.float64);

    var (loss, x, s, w, b) = LogisticLoss();
    var grads = Autodiff.Grad(loss, [w, b]);
    var outs = Function.Compile([x, s, w, b], [loss, grads[0], grads[1]]).Call(xData, sData, wData, bData);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        loss = outs[0].item<double>(),
        grad_w = outs[1].data<double>().ToArray(),
        grad_b = outs[2].item<double>(),
    }));
}
