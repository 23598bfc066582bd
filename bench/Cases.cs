using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Bench;

/// <summary>A symbolic graph: its inputs and outputs.</summary>
public sealed record Graph(Variable[] Inputs, Variable[] Outputs);

/// <summary>Figures from the issue, measured on this machine with TorchSharp 0.107 (float64, 2 threads), not in this run.</summary>
public sealed record Anchors(double? EagerMs = null, double? RawMs = null, double? AesaraMs = null,
    double? AesaraCompileMs = null, double? EagerPerOpUs = null);

/// <summary>
/// One benchmark case: our side in three steps (build the forward graph, differentiate it, compile), the inputs,
/// and the two peers that compute the same outputs without our graph machinery — TorchSharp eager autograd and
/// the same libtorch kernels written out by hand (the limit).
/// </summary>
public sealed class Case
{
    /// <summary>Short id, e.g. "a".</summary>
    public required string Id { get; init; }

    /// <summary>What is computed.</summary>
    public required string Title { get; init; }

    /// <summary>The dtype of every tensor.</summary>
    public required DType DType { get; init; }

    /// <summary>Builds the forward graph.</summary>
    public required Func<Graph> Build { get; init; }

    /// <summary>Adds the derivatives (returns the graph to compile).</summary>
    public required Func<Graph, Graph> Differentiate { get; init; }

    /// <summary>Makes the argument values (called once, inside the case's DisposeScope).</summary>
    public required Func<torch.Tensor[]> Arguments { get; init; }

    /// <summary>TorchSharp eager autograd computing the outputs; gets the arguments.</summary>
    public required Func<torch.Tensor[], Func<torch.Tensor[]>> Eager { get; init; }

    /// <summary>Hand-written libtorch calls computing the outputs; gets the arguments.</summary>
    public required Func<torch.Tensor[], Func<torch.Tensor[]>> Raw { get; init; }

    /// <summary>When set, the call time is also reported per op of a graph of this many ops.</summary>
    public int? Ops { get; init; }

    /// <summary>Figures from the issue to print beside the float64 measurements.</summary>
    public Anchors Anchors { get; init; } = new();
}

/// <summary>The cases of issue 7, sized for a full or a smoke run.</summary>
public static class Cases
{
    /// <summary>Every case in float64 and float32.</summary>
    public static IEnumerable<Case> All(bool smoke)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            bool f64 = dtype == DType.Float64;
            yield return MlpGrad("a", smoke ? 2 : 10, smoke ? 16 : 256, smoke ? 8 : 64, dtype,
                f64 ? new Anchors(5.6, 5.5, 71, AesaraCompileMs: 500) : new());
            yield return MlpGrad("b", smoke ? 6 : 100, smoke ? 8 : 32, smoke ? 8 : 64, dtype,
                f64 ? new Anchors(5.9, 4.8, 14.6, AesaraCompileMs: 4800) : new());
            yield return Jacobian(smoke ? 12 : 200, dtype, f64 ? new Anchors(4.3, 0.02, 5.3) : new());
            yield return Hessian(smoke ? 10 : 100, dtype, f64 ? new Anchors(6.0, 0.08, 1.6) : new());
            yield return MlpRop(smoke ? 2 : 10, smoke ? 16 : 256, smoke ? 8 : 64, dtype,
                f64 ? new Anchors(9.1, 5.2, 44) : new());
            yield return Chain(smoke ? 300 : 10_000, 16, dtype, withGradient: false,
                f64 ? new Anchors(EagerPerOpUs: 5.3) : new());
            yield return Chain(smoke ? 300 : 10_000, 16, dtype, withGradient: true, new());
        }
    }

    // ---- (a), (b): tanh MLP, cost sum(h²), gradients of every weight and bias --------------------------------------

    private static Case MlpGrad(string id, int layers, int width, int batch, DType dtype, Anchors anchors) => new()
    {
        Id = id,
        Title = $"{layers}-layer tanh MLP, width {width}, batch {batch}: cost and gradients of all weights and biases",
        DType = dtype,
        Anchors = anchors,
        Build = () =>
        {
            var (x, parameters, h) = MlpGraph(layers, dtype);
            return new Graph([x, .. parameters], [(h * h).Sum()]);
        },
        Differentiate = g => new Graph(g.Inputs, [g.Outputs[0], .. Autodiff.Grad(g.Outputs[0], g.Inputs[1..])]),
        Arguments = () => MlpValues(layers, width, batch, dtype),
        Eager = args =>
        {
            var x = args[0];
            var leaves = args[1..].Select(p => p.detach().requires_grad_(true)).ToArray();
            return () =>
            {
                var h = EagerMlpForward(x, leaves);
                var cost = (h * h).sum();
                return [cost.detach(), .. torch.autograd.grad([cost], leaves)];
            };
        },
        Raw = args => () => RawMlpGrad(args[0], args[1..]),
    };

    /// <summary>x, then W0, b0, W1, b1, ..., and the network output tanh(... tanh(x W0 + b0) ...).</summary>
    public static (Variable X, Variable[] Parameters, Variable H) MlpGraph(int layers, DType dtype)
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
        return (x, parameters.ToArray(), h);
    }

    /// <summary>x (batch × width), then W0, b0, W1, b1, ... scaled so the activations stay in tanh's curved range.</summary>
    public static torch.Tensor[] MlpValues(int layers, int width, int batch, DType dtype)
    {
        var type = dtype.ToTorch();
        torch.manual_seed(7);
        var values = new List<torch.Tensor> { torch.randn(batch, width, dtype: type) };
        for (int i = 0; i < layers; i++)
        {
            values.Add(torch.randn(width, width, dtype: type) / Math.Sqrt(width));
            values.Add(torch.randn(width, dtype: type) * 0.1);
        }
        return values.ToArray();
    }

    private static torch.Tensor EagerMlpForward(torch.Tensor x, torch.Tensor[] parameters)
    {
        var h = x;
        for (int i = 0; i < parameters.Length; i += 2)
        {
            h = torch.tanh(h.matmul(parameters[i]) + parameters[i + 1]);
        }
        return h;
    }

    /// <summary>Forward with fused bias (addmm), saving activations; backward by the chain rule, written out.</summary>
    private static torch.Tensor[] RawMlpGrad(torch.Tensor x, torch.Tensor[] p)
    {
        int layers = p.Length / 2;
        var hs = new torch.Tensor[layers + 1];
        hs[0] = x;
        for (int i = 0; i < layers; i++)
        {
            hs[i + 1] = torch.addmm(p[2 * i + 1], hs[i], p[2 * i], beta: 1, alpha: 1).tanh_();
        }
        var results = new torch.Tensor[p.Length + 1];
        results[0] = hs[layers].square().sum();
        var g = hs[layers] + hs[layers];  // d sum(h²) / dh = 2h
        for (int i = layers - 1; i >= 0; i--)
        {
            var gz = hs[i + 1].square().neg_().add_(1).mul_(g);  // (1 - h²) g
            results[1 + 2 * i] = hs[i].t().mm(gz);
            results[2 + 2 * i] = gz.sum(new long[] { 0 });
            if (i > 0)
            {
                g = gz.mm(p[2 * i].t());
            }
        }
        return results;
    }

    // ---- (c): Jacobian of tanh(A x) ----------------------------------------------------------------------------------

    private static Case Jacobian(int n, DType dtype, Anchors anchors) => new()
    {
        Id = "c",
        Title = $"jacobian of tanh(A x), {n} inputs (ours vectorized; eager {n} grad calls; raw closed form)",
        DType = dtype,
        Anchors = anchors,
        Build = () =>
        {
            var a = T.Matrix(dtype, "A");
            var x = T.Vector(dtype, "x");
            return new Graph([a, x], [T.Tanh(T.Dot(a, x))]);
        },
        Differentiate = g => new Graph(g.Inputs, [Autodiff.Jacobian(g.Outputs[0], [g.Inputs[1]])[0]]),
        Arguments = () => MatrixAndVector(n, dtype),
        Eager = args => () =>
        {
            var (a, x) = (args[0], args[1]);
            var xg = x.detach().requires_grad_(true);
            var y = torch.tanh(a.matmul(xg));
            var eye = torch.eye(n, dtype: x.dtype);
            var rows = new torch.Tensor[n];
            for (int i = 0; i < n; i++)
            {
                rows[i] = torch.autograd.grad([y], [xg], [eye[i]], retain_graph: true)[0];
            }
            return [torch.stack(rows)];
        },
        Raw = args => () =>
        {
            var (a, x) = (args[0], args[1]);
            var t = torch.tanh(a.mv(x));
            return [t.square().neg_().add_(1).unsqueeze(1) * a];  // diag(1 - t²) A
        },
    };

    private static torch.Tensor[] MatrixAndVector(int n, DType dtype)
    {
        torch.manual_seed(11);
        var type = dtype.ToTorch();
        return [torch.randn(n, n, dtype: type) / Math.Sqrt(n), torch.randn(n, dtype: type)];
    }

    // ---- (d): Hessian of sum(tanh(A x)) + sum(x⁴)/4 -----------------------------------------------------------------

    private static Case Hessian(int n, DType dtype, Anchors anchors) => new()
    {
        Id = "d",
        Title = $"hessian of sum(tanh(A x)) + sum(x⁴)/4, {n} inputs (ours forward-over-reverse, vectorized; " +
                $"eager {n} grad calls on a create_graph gradient; raw closed form)",
        DType = dtype,
        Anchors = anchors,
        Build = () =>
        {
            var a = T.Matrix(dtype, "A");
            var x = T.Vector(dtype, "x");
            return new Graph([a, x], [T.Tanh(T.Dot(a, x)).Sum() + (x * x * x * x).Sum() / 4.0]);
        },
        Differentiate = g => new Graph(g.Inputs, [Autodiff.Hessian(g.Outputs[0], [g.Inputs[1]])[0]]),
        Arguments = () => MatrixAndVector(n, dtype),
        Eager = args => () =>
        {
            var (a, x) = (args[0], args[1]);
            var xg = x.detach().requires_grad_(true);
            var cost = torch.tanh(a.matmul(xg)).sum() + xg.pow(4).sum() / 4.0;
            var g = torch.autograd.grad([cost], [xg], create_graph: true, retain_graph: true)[0];
            var eye = torch.eye(n, dtype: x.dtype);
            var rows = new torch.Tensor[n];
            for (int i = 0; i < n; i++)
            {
                rows[i] = torch.autograd.grad([g], [xg], [eye[i]], retain_graph: true)[0];
            }
            return [torch.stack(rows)];
        },
        Raw = args => () =>
        {
            var (a, x) = (args[0], args[1]);
            var t = torch.tanh(a.mv(x));
            var weight = t.square().neg_().add_(1).mul_(t).mul_(-2);  // d²tanh = -2 t (1 - t²)
            return [a.t().mm(weight.unsqueeze(1) * a).add_(torch.diag(x.square().mul_(3)))];
        },
    };

    // ---- (e): Rop (Jacobian-vector product) of (a)'s network output -------------------------------------------------

    private static Case MlpRop(int layers, int width, int batch, DType dtype, Anchors anchors) => new()
    {
        Id = "e",
        Title = $"Rop of the {layers}-layer MLP's output (width {width}, batch {batch}) along a tangent of every " +
                "weight and bias (ours Rop; eager double-vjp; raw forward-mode tangents)",
        DType = dtype,
        Anchors = anchors,
        Build = () =>
        {
            var (x, parameters, h) = MlpGraph(layers, dtype);
            return new Graph([x, .. parameters], [h]);
        },
        Differentiate = g =>
        {
            var parameters = g.Inputs[1..];
            var tangents = parameters.Select(p => T.Tensor(dtype, p.Type.Shape, "d" + p.Name)).ToArray();
            return new Graph([.. g.Inputs, .. tangents], [Autodiff.Rop(g.Outputs, parameters, tangents)[0]]);
        },
        Arguments = () =>
        {
            var values = MlpValues(layers, width, batch, dtype);
            torch.manual_seed(13);
            return [.. values, .. values[1..].Select(v => torch.randn_like(v))];
        },
        Eager = args =>
        {
            int n = 2 * layers;
            var x = args[0];
            var leaves = args[1..(n + 1)].Select(p => p.detach().requires_grad_(true)).ToArray();
            var tangents = args[(n + 1)..];
            return () =>
            {
                var h = EagerMlpForward(x, leaves);
                // The double-vjp trick: u ↦ J^T u is linear in u, so its vjp along the tangents is J v.
                var u = torch.zeros_like(h).requires_grad_(true);
                var vjp = torch.autograd.grad([h], leaves, [u], retain_graph: true, create_graph: true);
                return [torch.autograd.grad(vjp, [u], tangents)[0]];
            };
        },
        Raw = args => () => RawMlpJvp(args[0], args[1..(2 * layers + 1)], args[(2 * layers + 1)..]),
    };

    /// <summary>Forward-mode by hand: z = h W + b, dz = dh W + h dW + db, h' = tanh z, dh' = (1 - h'²) dz.</summary>
    private static torch.Tensor[] RawMlpJvp(torch.Tensor x, torch.Tensor[] p, torch.Tensor[] dp)
    {
        var h = x;
        torch.Tensor? dh = null;
        for (int i = 0; i < p.Length; i += 2)
        {
            var dz = torch.addmm(dp[i + 1], h, dp[i], beta: 1, alpha: 1);
            if (dh is not null)
            {
                dz.addmm_(dh, p[i]);
            }
            h = torch.addmm(p[i + 1], h, p[i], beta: 1, alpha: 1).tanh_();
            dh = h.square().neg_().add_(1).mul_(dz);
        }
        return [dh!];
    }

    // ---- (f): a long elementwise chain on a tiny vector: per-op cost ------------------------------------------------

    private static Case Chain(int ops, int length, DType dtype, bool withGradient, Anchors anchors)
    {
        int links = (ops + 2) / 3;  // y ← tanh(y)·0.5 + y: three ops per link
        return new Case
        {
            Id = withGradient ? "f-grad" : "f",
            Title = withGradient
                ? $"the same chain's sum and its gradient (per forward op)"
                : $"{3 * links:N0}-op elementwise chain y ← tanh(y)·0.5 + y on {length} elements, value (per op)",
            DType = dtype,
            Anchors = anchors,
            Ops = 3 * links,
            Build = () =>
            {
                var x = T.Vector(dtype, "x");
                var y = ChainGraph(x, links);
                return new Graph([x], withGradient ? [y.Sum()] : [y]);
            },
            Differentiate = g => withGradient
                ? new Graph(g.Inputs, [g.Outputs[0], Autodiff.Grad(g.Outputs[0], g.Inputs[0])])
                : g,
            Arguments = () =>
            {
                torch.manual_seed(17);
                return [torch.randn(length, dtype: dtype.ToTorch())];
            },
            Eager = args =>
            {
                var x = args[0].detach().requires_grad_(true);
                var half = torch.tensor(0.5, dtype: x.dtype);
                return () =>
                {
                    var y = x;
                    for (int i = 0; i < links; i++)
                    {
                        y = y.tanh().mul(half).add(y);
                    }
                    if (!withGradient)
                    {
                        return [y];
                    }
                    var cost = y.sum();
                    return [cost.detach(), torch.autograd.grad([cost], [x])[0]];
                };
            },
            Raw = args =>
            {
                var x = args[0];
                var half = torch.tensor(0.5, dtype: x.dtype);
                return withGradient ? () => RawChainGrad(x, half, links) : () => RawChain(x, half, links);
            },
        };
    }

    private static Variable ChainGraph(Variable x, int links)
    {
        var y = x;
        for (int i = 0; i < links; i++)
        {
            y = T.Tanh(y) * 0.5 + y;
        }
        return y;
    }

    /// <summary>The same three kernels per link, in place where a hand-written loop would, freeing as it goes.</summary>
    private static torch.Tensor[] RawChain(torch.Tensor x, torch.Tensor half, int links)
    {
        var y = x;
        for (int i = 0; i < links; i++)
        {
            var next = y.tanh();
            next.mul_(half).add_(y);
            if (!ReferenceEquals(y, x))
            {
                y.Dispose();
            }
            y = next;
        }
        return [y];
    }

    /// <summary>Forward keeping tanh(y) of each link; backward g ← g·(1 + 0.5(1 - t²)) = g·(1.5 - 0.5 t²).</summary>
    private static torch.Tensor[] RawChainGrad(torch.Tensor x, torch.Tensor half, int links)
    {
        var saved = new torch.Tensor[links];
        var y = x;
        for (int i = 0; i < links; i++)
        {
            saved[i] = y.tanh();
            var next = saved[i].mul(half).add_(y);
            if (!ReferenceEquals(y, x))
            {
                y.Dispose();
            }
            y = next;
        }
        var cost = y.sum();
        y.Dispose();
        var g = torch.ones_like(x);
        for (int i = links - 1; i >= 0; i--)
        {
            g.mul_(saved[i].mul_(saved[i]).mul_(-0.5).add_(1.5));
            saved[i].Dispose();
        }
        return [cost, g];
    }

    // ---- compile scaling ----------------------------------------------------------------------------------------------

    /// <summary>The chain of (f) with <paramref name="nodes"/> forward nodes (float64), and its sum.</summary>
    public static (Variable X, Variable Cost) ChainCost(int nodes)
    {
        var x = T.DVector("x");
        return (x, ChainGraph(x, nodes / 3).Sum());
    }
}
