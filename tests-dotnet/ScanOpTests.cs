using Gradient.Graph;
using Gradient.Ops.Scan;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Loops built with <see cref="T.Scan(Func{Variable[], ScanStep}, IReadOnlyList{ScanSequence}?, IReadOnlyList{ScanOutputInfo?}?, IReadOnlyList{Variable}?, Variable?, int, bool, bool, string?, int?)"/>:
/// values against the same loop written in torch, and the Scan op's pullback (one reverse loop), pushforward (one
/// forward loop) and second derivatives (the reverse loop differentiated again) against central differences.
/// </summary>
public sealed class ScanOpTests : OpTableTests<ScanOpTests.Table>
{
    private static readonly Arg V6 = Arg.Vector(6), S = Arg.Scalar();

    /// <summary>tanh(x_t·U + h_{t-1}·W + h_{t-2}·V): taps [-2, -1], W read implicitly, U and V non-sequences.</summary>
    private static Variable TapsRnn(Variable[] v) => TapsRnn(v, null);

    private static Variable TapsRnn(Variable[] v, int? checkpoint)
    {
        var (x, h0, w, u, vv) = (v[0], v[1], v[2], v[3], v[4]);
        return T.Scan(a => T.Tanh(T.Dot(a[0], a[3]) + T.Dot(a[2], w) + T.Dot(a[1], a[4])),
            sequences: [x], outputsInfo: [new ScanOutputInfo(h0, [-2, -1])], nonSequences: [u, vv],
            checkpoint: checkpoint).Output;
    }

    private static Tensor TapsRnnRef(Tensor[] t)
    {
        var (x, h0, w, u, vv) = (t[0], t[1], t[2], t[3], t[4]);
        var hs = new List<Tensor> { h0[0], h0[1] };
        for (int i = 0; i < x.shape[0]; i++)
        {
            hs.Add((x[i].matmul(u) + hs[^1].matmul(w) + hs[^2].matmul(vv)).tanh());
        }
        return torch.stack(hs.Skip(2).ToArray());
    }

    private static Variable Until(Variable[] v) => Until(v, null);

    private static Variable Until(Variable[] v, int? checkpoint)
    {
        // x_{t+1} = a * x_t + t / 8, stop once x > 4 (at most 20 steps); written for any float dtype of the inputs.
        var (x0, a) = (v[0], v[1]);
        var steps = T.Scan(p =>
        {
            var next = p[1] * p[2] + 0.125 * p[0];
            return new ScanStep([next], Until: T.Gt(next, T.Constant(4.0)));
        }, sequences: [T.Cast(T.ARange(20), x0.DType)], outputsInfo: [x0], nonSequences: [a],
            checkpoint: checkpoint).Output;
        return steps;
    }

    private static Tensor UntilRef(Tensor[] t)
    {
        var (x, a) = (t[0], t[1]);
        var rows = new List<Tensor>();
        for (int i = 0; i < 20; i++)
        {
            x = a * x + 0.125 * i;
            rows.Add(x);
            if (x.item<double>() > 4)
            {
                break;
            }
        }
        return torch.stack(rows.ToArray());
    }

    private static Variable Nested(Variable[] v)
    {
        // Outer loop over the rows of X with a scalar state h; each step runs an inner loop over the row:
        // s_j = 0.5 * s_{j-1} + e_j * h, and h_t = tanh(h_{t-1} + s_last).
        var (x, h0) = (v[0], v[1]);
        return T.Scan(a =>
        {
            var (row, h) = (a[0], a[1]);
            var inner = T.Scan(b => 0.5 * b[1] + b[0] * b[2], sequences: [row], outputsInfo: [T.ZerosLike(h)],
                nonSequences: [h]).Output;
            return T.Tanh(h + inner["-1"]);
        }, sequences: [x], outputsInfo: [h0]).Output;
    }

    private static Tensor NestedRef(Tensor[] t)
    {
        var (x, h) = (t[0], t[1]);
        var rows = new List<Tensor>();
        for (int i = 0; i < x.shape[0]; i++)
        {
            var s = torch.zeros_like(h);
            for (int j = 0; j < x.shape[1]; j++)
            {
                s = 0.5 * s + x[i, j] * h;
            }
            h = (h + s).tanh();
            rows.Add(h);
        }
        return torch.stack(rows.ToArray());
    }

    private static IEnumerable<OpCase> All()
    {
        yield return new("cumsum", v => T.Scan(a => a[0] + a[1], sequences: [v[0]],
            outputsInfo: [T.ZerosLike(v[0][0])]).Output, t => t[0].cumsum(0), V6);
        yield return new("cumsum of matrix rows, go_backwards", v => T.Scan(a => a[0] + a[1], sequences: [v[0]],
            outputsInfo: [T.ZerosLike(v[0][0])], goBackwards: true).Output, t => t[0].flip(0).cumsum(0), Arg.Matrix(5, 3));
        yield return new("n_steps shorter than the sequence", v => T.Scan(a => a[0] * a[1], sequences: [v[0]],
            outputsInfo: [v[1]], nSteps: T.Constant(4L)).Output, t => t[1] * t[0][..4].cumprod(0), V6, S);
        yield return new("tanh RNN, taps [-2, -1], implicit weight", TapsRnn, TapsRnnRef, Arg.Matrix(5, 3),
            Arg.Matrix(2, 4), Arg.Matrix(4, 4) with { Low = -0.5, High = 0.5 }, Arg.Matrix(3, 4), Arg.Matrix(4, 4) with
            {
                Low = -0.5,
                High = 0.5,
            });
        yield return new("tanh RNN, taps [-2, -1], checkpoint=2", v => TapsRnn(v, 2), TapsRnnRef, Arg.Matrix(5, 3),
            Arg.Matrix(2, 4), Arg.Matrix(4, 4) with { Low = -0.5, High = 0.5 }, Arg.Matrix(3, 4), Arg.Matrix(4, 4) with
            {
                Low = -0.5,
                High = 0.5,
            });
        yield return new("sequence taps [-1, 0, 1] into a map", v => T.Scan(a => a[0] * a[1] - a[2],
                sequences: [new ScanSequence(v[0], [-1, 0, 1])]).Output,
            t => t[0][..^2] * t[0][1..^1] - t[0][2..], V6);
        yield return new("two outputs: recurrent and map", v =>
            {
                var r = T.Scan(a => new[] { a[0] * a[1] + 1.0, T.Sin(a[1]) * a[0] }, sequences: [v[0]],
                    outputsInfo: [v[1], null]);
                return r.Outputs[0] + 2.0 * r.Outputs[1];
            }, t =>
            {
                var h = t[1];
                var rows = new List<Tensor>();
                for (int i = 0; i < t[0].shape[0]; i++)
                {
                    var z = h.sin() * t[0][i];
                    h = t[0][i] * h + 1.0;
                    rows.Add(h + 2.0 * z);
                }
                return torch.stack(rows.ToArray());
            }, Arg.Vector(5) with { Low = -1, High = 1 }, S);
        yield return new("until (while loop)", Until, UntilRef, S with { Low = 0.5, High = 1 },
            S with { Low = 1.5, High = 2 });
        yield return new("until (while loop), checkpoint=3", v => Until(v, 3), UntilRef, S with { Low = 0.5, High = 1 },
            S with { Low = 1.5, High = 2 });
        yield return new("scan inside scan", Nested, NestedRef, Arg.Matrix(4, 3), S);
        yield return new("loss over every step of a scan read twice", v =>
        {
            var h = T.Scan(a => T.Tanh(a[0] * a[1]), sequences: [v[0]], outputsInfo: [v[1]]).Output;
            return h * h["-1"] + T.Exp(h);
        }, t =>
        {
            var h = t[1];
            var rows = new List<Tensor>();
            for (int i = 0; i < t[0].shape[0]; i++)
            {
                h = (t[0][i] * h).tanh();
                rows.Add(h);
            }
            var all = torch.stack(rows.ToArray());
            return all * rows[^1] + all.exp();
        }, V6, S);
    }

    /// <summary>The table.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => ScanOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-10;
    }
}
