// A consumer of the Gradient NuGet package: the gradient of sum(x^2) at [1, 2, 3], which must be [2, 4, 6].
using Gradient;
using Gradient.Compile;
using Gradient.Kernels;
using TorchSharp;

Console.WriteLine(Versions.Summary());

var x = T.DVector("x");
var cost = (x * x).Sum();
cost.Name = "cost";
var g = Autodiff.Grad(cost, x);                        // symbolic: a graph, named (dcost/dx)
var f = Function.Compile([x], [cost, g]);
var outs = f.Call(torch.tensor(new[] { 1.0, 2.0, 3.0 }, torch.float64));
var value = outs[0].item<double>();
var gradient = outs[1].data<double>().ToArray();
Console.WriteLine($"{g.Name} of sum(x**2) at [1, 2, 3] = [{string.Join(", ", gradient)}] (cost {value})");

bool ok = value == 14.0 && gradient.SequenceEqual([2.0, 4.0, 6.0]);
Console.WriteLine(ok ? "ok" : "WRONG: expected [2, 4, 6]");
return ok ? 0 : 1;
