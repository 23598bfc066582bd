using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>A random graph: its float64 inputs with a point to evaluate at, and one output.</summary>
/// <param name="Inputs">The symbolic inputs.</param>
/// <param name="Point">One value per input (the caller's DisposeScope owns them).</param>
/// <param name="Output">The output.</param>
/// <param name="OutputShape">The output's run-time shape, as the generator worked it out.</param>
/// <param name="Ops">The generator steps used, in order (for coverage counts and reports).</param>
public sealed record RandomGraph(Variable[] Inputs, torch.Tensor[] Point, Variable Output, long[] OutputShape,
    IReadOnlyList<string> Ops);

/// <summary>
/// Builds random well-typed graphs over the op library: element-wise functions (every rule of
/// <see cref="ScalarOps"/> by name), broadcasting, reductions, products, shape and structure ops, basic and advanced
/// indexing with their set/inc forms, the nnet losses, linear algebra and sparse products. Each step applies one op to
/// a recent node (and, where the op takes more, to other nodes or constants of fitting shapes); the generator tracks
/// every node's run-time shape itself, so shapes that broadcast, contract or index are chosen on purpose.
/// </summary>
/// <remarks>
/// Inputs are chosen so the graph is smooth where it is evaluated: functions with a restricted domain get arguments
/// mapped into it (log of a positive expression, arcsin of a squashed one), matrices that are inverted, factored or
/// solved are made symmetric positive definite first. Ops with kinks (abs, max, clip, floor, ...) are used as they are;
/// the checker recognises the rare point that lands on a kink by its one-sided differences.
/// </remarks>
public sealed class GraphGenerator
{
    private const int MaxElements = 36;
    private const int MaxRank = 4;

    private static readonly string[] s_smooth =
    [
        "neg", "tanh", "sqr", "sin", "cos", "arctan", "arcsinh", "erf", "erfc", "sigmoid", "softplus", "deg2rad",
        "rad2deg", "abs", "sgn", "floor", "ceil", "trunc", "round_half_to_even", "round_half_away_from_zero",
    ];

    private static readonly string[] s_piecewiseConstant =
        ["sgn", "floor", "ceil", "trunc", "round_half_to_even", "round_half_away_from_zero"];

    private static readonly string[] s_growing = ["exp", "sinh", "cosh", "expm1", "exp2", "erfcx"];

    private static readonly string[] s_positiveDomain =
        ["log", "log2", "log10", "log1p", "sqrt", "reciprocal", "gamma", "gammaln", "psi", "tri_gamma"];

    private static readonly string[] s_unitDomain = ["arcsin", "arccos", "arctanh", "erfinv", "tan"];

    private static readonly string[] s_binary =
        ["add", "sub", "mul", "true_div", "pow", "maximum", "minimum", "arctan2", "mod", "int_div", "second"];

    private static readonly string[] s_compare = ["lt", "gt", "le", "ge", "eq", "neq"];

    private readonly Random _rng;
    private readonly List<Node> _pool = [];
    private readonly List<string> _ops = [];
    private readonly (string Name, int Weight, Func<Node, Node?> Make)[] _catalog;

    private sealed record Node(Variable V, long[] Shape)
    {
        public int Rank => Shape.Length;

        public long Size => Shape.Aggregate(1L, (p, n) => p * n);
    }

    /// <summary>A generator drawing from <paramref name="seed"/>.</summary>
    public GraphGenerator(int seed)
    {
        _rng = new Random(seed);
        _catalog =
        [
            ("unary", 10, Unary),
            ("unary_domain", 6, UnaryDomain),
            ("binary", 10, Binary),
            ("switch", 3, SwitchOp),
            ("clip", 2, ClipOp),
            ("reduce", 8, Reduce),
            ("cumulative", 2, Cumulative),
            ("softmax", 2, SoftmaxOp),
            ("dot", 4, DotOp),
            ("matmul", 2, MatMulOp),
            ("outer", 1, OuterOp),
            ("tensordot", 2, TensorDotOp),
            ("batched_dot", 1, BatchedDotOp),
            ("reshape", 3, ReshapeOp),
            ("flatten", 2, FlattenOp),
            ("dimshuffle", 3, DimShuffleOp),
            ("alloc", 2, AllocOp),
            ("join", 2, JoinOp),
            ("stack", 1, StackOp),
            ("split", 2, SplitOp),
            ("repeat", 1, RepeatOp),
            ("tile", 1, TileOp),
            ("roll", 1, RollOp),
            ("diag", 2, DiagOp),
            ("tri", 1, TriOp),
            ("specify_shape", 1, SpecifyShapeOp),
            ("subtensor", 5, SubtensorOp),
            ("advanced_subtensor", 4, AdvancedSubtensorOp),
            ("mask", 1, MaskOp),
            ("set_inc_subtensor", 4, SetIncOp),
            ("take", 2, TakeOp),
            ("argmax_index", 1, ArgmaxIndexOp),
            ("permute_row_elements", 1, PermuteOp),
            ("nnet", 2, NnetOp),
            ("linalg", 4, LinalgOp),
            ("sparse", 1, SparseOp),
            ("scan", 1, ScanOp),
            ("op_from_graph", 1, OpFromGraphOp),
            ("checkpoint", 1, CheckpointOp),
        ];
    }

    /// <summary>The names of the generator's steps (what <see cref="RandomGraph.Ops"/> may list, before the colon).</summary>
    public IEnumerable<string> StepNames => _catalog.Select(c => c.Name);

    /// <summary>A graph of up to <paramref name="maxDepth"/> steps (at least one).</summary>
    public RandomGraph Next(int maxDepth = 30)
    {
        _pool.Clear();
        _ops.Clear();
        int inputCount = 1 + _rng.Next(3);
        var inputs = new Variable[inputCount];
        var point = new torch.Tensor[inputCount];
        for (int i = 0; i < inputCount; i++)
        {
            var shape = RandomShape(_rng.Next(4));
            // Length-1 axes are usually declared broadcastable (static 1), sometimes left unknown.
            var declared = shape.Select(n => n == 1 ? (_rng.Next(4) > 0 ? 1 : (long?)null)
                : _rng.Next(3) == 0 ? n : null).ToArray();
            inputs[i] = T.Tensor(DType.Float64, declared, $"x{i}");
            point[i] = Uniform(shape, -1.5, 1.5);
            _pool.Add(new Node(inputs[i], shape));
        }
        int depth = 1 + _rng.Next(maxDepth);
        int total = _catalog.Sum(c => c.Weight);
        for (int step = 0, tries = 0; step < depth && tries < depth * 20; tries++)
        {
            int pick = _rng.Next(total);
            var entry = _catalog.First(c => (pick -= c.Weight) < 0);
            if (entry.Make(Pick()) is not { } node)
            {
                continue;
            }
            if (node.Size > MaxElements || node.Rank > MaxRank || node.V.DType != DType.Float64)
            {
                continue;
            }
            if (node.V.Type.Mismatch(node.Shape) is { } why)
            {
                throw new InvalidOperationException(
                    $"static type {node.V.Type} of step {entry.Name} ({_ops.LastOrDefault()}) disagrees with the run-time " +
                    $"shape {Show(node.Shape)}: {why}");
            }
            _pool.Add(node);
            step++;
        }
        var output = _pool[^1];
        return new RandomGraph(inputs, point, output.V, output.Shape, _ops.ToArray());
    }

    // ---- element-wise -------------------------------------------------------------------------------------------

    private Node? Unary(Node x)
    {
        bool grow = _rng.Next(4) == 0;
        string name = grow ? One(s_growing) : One(s_smooth);
        var arg = grow ? Tame(x) : x.V;
        var y = Elem(name, arg);
        // A piecewise-constant function has a zero derivative: keep x beside it, or the graph above has nothing to check.
        return Done($"elemwise:{name}", s_piecewiseConstant.Contains(name) ? x.V + y * C(0.5) : y, x.Shape);
    }

    private Node? UnaryDomain(Node x)
    {
        switch (_rng.Next(6))
        {
            case 0 or 1 or 2:
            {
                string name = One(s_positiveDomain);
                var arg = name is "gamma" ? Positive(x.V) + C(0.5) : Positive(x.V);
                return Done($"elemwise:{name}", Elem(name, arg), x.Shape);
            }
            case 3:
            {
                string name = One(s_unitDomain);
                return Done($"elemwise:{name}", Elem(name, Unit(x.V)), x.Shape);
            }
            case 4:
                return _rng.Next(2) == 0
                    ? Done("elemwise:arccosh", Elem("arccosh", C(1.2) + Positive(x.V)), x.Shape)
                    : Done("elemwise:erfcinv", Elem("erfcinv", C(1.0) + Unit(x.V)), x.Shape);
            default:
                return _rng.Next(2) == 0
                    ? Done("elemwise:log1mexp", Elem("log1mexp", -(C(0.1) + Positive(x.V))), x.Shape)
                    : Done("polygamma", T.Polygamma(_rng.Next(2), Positive(x.V) + C(0.5)), x.Shape);
        }
    }

    private Node? Binary(Node a)
    {
        string name = One(s_binary);
        var b = Partner(a);
        var shape = Broadcast(a, b);
        if (shape is null)
        {
            return null;
        }
        var (x, y) = _rng.Next(2) == 0 ? (a, b) : (b, a);
        var result = name switch
        {
            "true_div" => Elem(name, x.V, Positive(y.V)),
            "pow" => Elem(name, Positive(x.V), Unit(y.V) * C(2.0)),
            "mod" => Elem(name, x.V, Positive(y.V) + C(0.5)),
            "int_div" => x.V + Elem(name, x.V, Positive(y.V) + C(0.5)),
            // arctan2 is singular at (0, 0), which structural zeros (a diagonal, a log_softmax over one value) reach.
            "arctan2" => Elem(name, x.V, y.V + Const(y.Shape, broadcastable: true).V),
            _ => Elem(name, x.V, y.V),
        };
        // second(x, y) has x's shape filled with y: numpy's broadcast of the two all the same.
        return Done($"elemwise:{name}", result, shape);
    }

    private Node? SwitchOp(Node a)
    {
        var b = Partner(a);
        var c = Partner(a);
        // Pairwise compatible shapes broadcast together as well.
        if (Broadcast(a, b) is null || Broadcast(b, c) is null || Broadcast(a, c) is not { } ac
            || Broadcast(ac, Broadcast(a, b)!) is not { } shape)
        {
            return null;
        }
        Variable cond = _rng.Next(4) switch
        {
            0 => Elem(One(s_compare), a.V, C(_rng.NextDouble() - 0.5)),
            1 => Elem("and_", Elem("gt", a.V, C(-0.5)), Elem("lt", b.V, C(0.8))),
            2 => Elem("or_", Elem("isnan", a.V), Elem("ge", b.V, C(0.0))),
            _ => Elem("invert", Elem(One(s_compare), a.V, b.V)),
        };
        _ops.Add("elemwise:switch");
        return Done("condition", T.Switch(cond, b.V, c.V), shape);
    }

    private Node? ClipOp(Node x)
    {
        if (_rng.Next(2) == 0)
        {
            double lo = _rng.NextDouble() - 0.8;
            return Done("elemwise:clip", T.Clip(x.V, C(lo), C(lo + 0.2 + _rng.NextDouble())) + x.V * C(0.25), x.Shape);
        }
        var lower = Partner(x);
        var shape = Broadcast(x, lower);
        return shape is null ? null
            : Done("elemwise:clip(symbolic)", T.Clip(x.V, lower.V, lower.V + Positive(x.V)), shape);
    }

    // ---- reductions ---------------------------------------------------------------------------------------------

    private Node? Reduce(Node x)
    {
        var (axes, shape, keep) = RandomAxes(x);
        string kind = One(["sum", "prod", "mean", "max", "min", "var", "std", "logsumexp", "max_and_argmax", "norm"]);
        switch (kind)
        {
            case "sum":
                return Done("sum", axes is null ? MaybeKeep(T.Sum(x.V), x, keep) : T.Sum(x.V, axes, keep), shape);
            case "prod":
                return Done("prod", T.Prod(Unit(x.V) * C(1.5), axes, keep), shape);
            case "mean":
                return Done("mean", T.Mean(x.V, axes, keep), shape);
            case "max":
                return Done("max", T.Max(x.V, axes, keep), shape);
            case "min":
                return Done("min", T.Min(x.V, axes, keep), shape);
            case "var" or "std":
            {
                var lengths = (axes ?? Enumerable.Range(0, x.Rank).ToArray()).Select(a => x.Shape[a < 0 ? a + x.Rank : a])
                    .ToArray();
                long count = lengths.Aggregate(1L, (p, n) => p * n);
                // As Aesara, ddof applies to each reduced axis (n_i - ddof): an axis of length 1 would divide by 0.
                int ddof = lengths.All(n => n > 1) && _rng.Next(2) == 0 ? 1 : 0;
                if (count == 1 && kind == "std")
                {
                    return null; // the standard deviation of one value sits on the kink of sqrt at 0
                }
                // Copies of one value (a broadcast, a repeat) have no spread: std sits on the kink of sqrt at 0 there.
                // Distinct offsets keep it away.
                var spread = kind == "std" ? x.V + Const(x.Shape).V : x.V;
                return Done(kind, kind == "var" ? T.Var(spread, axes, ddof, keep) : T.Std(spread, axes, ddof, keep), shape);
            }
            case "logsumexp":
                return Done("logsumexp", T.LogSumExp(x.V, axes, keep), shape);
            case "max_and_argmax":
                return Done("max_and_argmax", T.MaxAndArgmax(x.V, axes, keep).Max, shape);
            default:
                if (x.Rank is not (1 or 2) || axes is not null)
                {
                    return null;
                }
                object? ord = x.Rank == 1 ? One<object?>([null, 2.0, 3.0, "inf", "-inf", 1.0])
                    : One<object?>([null, "fro", "inf", "-inf", 1.0, -1.0]);
                // Distinct offsets keep the norm away from its kinks (a zero vector, tied magnitudes).
                return Done($"norm:{ord ?? "default"}", T.Norm(x.V + Const(x.Shape).V, ord), []);
        }
    }

    private (int[]? Axes, long[] Shape, bool Keep) RandomAxes(Node x)
    {
        bool keep = _rng.Next(3) == 0;
        if (x.Rank == 0 || _rng.Next(4) == 0)
        {
            return (null, keep ? x.Shape.Select(_ => 1L).ToArray() : [], keep);
        }
        var axes = Enumerable.Range(0, x.Rank).Where(_ => _rng.Next(2) == 0).ToArray();
        if (axes.Length == 0)
        {
            axes = [_rng.Next(x.Rank)];
        }
        var shape = x.Shape.Select((n, i) => axes.Contains(i) ? (keep ? 1L : -1L) : n).Where(n => n >= 0).ToArray();
        // Negative spellings of the same axes, now and then.
        var spelled = axes.Select(a => _rng.Next(3) == 0 ? a - x.Rank : a).ToArray();
        return (spelled, shape, keep);
    }

    private Node? Cumulative(Node x)
    {
        int? axis = x.Rank == 0 || _rng.Next(3) == 0 ? null : _rng.Next(x.Rank);
        var shape = axis is null ? new[] { x.Size } : x.Shape;
        return _rng.Next(2) == 0
            ? Done("cumsum", T.CumSum(x.V, axis), shape)
            : Done("cumprod", T.CumProd(Unit(x.V) * C(1.5), axis), shape);
    }

    private Node? SoftmaxOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        int axis = _rng.Next(x.Rank) - (_rng.Next(2) == 0 ? x.Rank : 0);
        return _rng.Next(2) == 0
            ? Done("softmax", T.Softmax(x.V, axis), x.Shape)
            : Done("log_softmax", T.LogSoftmax(x.V, axis), x.Shape);
    }

    // ---- products -----------------------------------------------------------------------------------------------

    private Node? DotOp(Node a)
    {
        switch (a.Rank)
        {
            case 1:
            {
                long n = a.Shape[0];
                return _rng.Next(3) switch
                {
                    0 => Done("dot:vv", T.Dot(a.V, SameShape(a).V), []),
                    1 => Const([n, 1 + _rng.Next(3)]) is var m ? Done("dot:vm", T.Dot(a.V, m.V), [m.Shape[1]]) : null,
                    _ => Const([1 + _rng.Next(3), n]) is var m2 ? Done("dot:mv", T.Dot(m2.V, a.V), [m2.Shape[0]]) : null,
                };
            }
            case 2:
            {
                var (m, k) = (a.Shape[0], a.Shape[1]);
                return _rng.Next(4) switch
                {
                    0 => Done("dot:mm(a,aT)", T.Dot(a.V, T.Transpose(a.V)), [m, m]),
                    1 => Const([k]) is var v ? Done("dot:mv", T.Dot(a.V, v.V), [m]) : null,
                    2 => Const([k, 1 + _rng.Next(3)]) is var b ? Done("dot:mm", T.Dot(a.V, b.V), [m, b.Shape[1]]) : null,
                    _ => Const([1 + _rng.Next(3), m]) is var c ? Done("dot:mm", T.Dot(c.V, a.V), [c.Shape[0], k]) : null,
                };
            }
            default:
                return null;
        }
    }

    private Node? MatMulOp(Node a)
    {
        if (a.Rank < 2)
        {
            return null;
        }
        long k = a.Shape[^1];
        long p = 1 + _rng.Next(3);
        var batch = a.Shape[..^2];
        var b = _rng.Next(2) == 0 ? Const([k, p]) : Const([.. batch, k, p]);
        return Done("matmul", T.MatMul(a.V, b.V), [.. batch, a.Shape[^2], p]);
    }

    private Node? OuterOp(Node a)
    {
        if (a.Rank != 1)
        {
            return null;
        }
        var b = _rng.Next(2) == 0 ? SameShape(a) : Const([1 + _rng.Next(3)]);
        return Done("outer", T.Outer(a.V, b.V), [a.Shape[0], b.Shape[0]]);
    }

    private Node? TensorDotOp(Node a)
    {
        if (a.Rank == 0)
        {
            return null;
        }
        if (_rng.Next(2) == 0)
        {
            var b = Const([a.Shape[^1], 1 + _rng.Next(3)]);
            return Done("tensordot:1", T.TensorDot(a.V, b.V, 1), [.. a.Shape[..^1], b.Shape[1]]);
        }
        // Contract axis i of a with axis 0 of b.
        int i = _rng.Next(a.Rank);
        var c = Const([a.Shape[i], 2]);
        var rest = a.Shape.Where((_, j) => j != i).ToArray();
        return Done("tensordot:axes", T.TensorDot(a.V, c.V, [i], [0]), [.. rest, 2]);
    }

    private Node? BatchedDotOp(Node a)
    {
        switch (a.Rank)
        {
            case 3:
            {
                var b = Const([a.Shape[0], a.Shape[2], 1 + _rng.Next(3)]);
                return Done("batched_dot:3", T.BatchedDot(a.V, b.V), [a.Shape[0], a.Shape[1], b.Shape[2]]);
            }
            case 2:
                return Done("batched_dot:2", T.BatchedDot(a.V, SameShape(a).V), [a.Shape[0]]);
            default:
                return null;
        }
    }

    // ---- shape and structure ------------------------------------------------------------------------------------

    private Node? ReshapeOp(Node x)
    {
        var shape = Factor(x.Size, 1 + _rng.Next(3));
        switch (_rng.Next(3))
        {
            case 0:
                return Done("reshape:constant", T.Reshape(x.V, shape), shape);
            case 1:
            {
                var spelled = shape.ToArray();
                spelled[_rng.Next(spelled.Length)] = -1;
                return Done("reshape:-1", T.Reshape(x.V, spelled), shape);
            }
            default:
                // A round trip through a flat vector, back to the symbolic shape of the original.
                return Done("reshape:symbolic", T.Reshape(T.Flatten(x.V), T.Shape(x.V)), x.Shape);
        }
    }

    private Node? FlattenOp(Node x)
    {
        if (x.Rank == 0)
        {
            return Done("flatten", T.Flatten(x.V), [1]);
        }
        int ndim = 1 + _rng.Next(x.Rank);
        var shape = x.Shape[..(ndim - 1)].Append(x.Shape[(ndim - 1)..].Aggregate(1L, (p, n) => p * n)).ToArray();
        return Done("flatten", T.Flatten(x.V, ndim), shape);
    }

    private Node? DimShuffleOp(Node x)
    {
        // Drop some broadcastable axes, permute the rest, insert new ones.
        var kept = Enumerable.Range(0, x.Rank).Where(i => x.V.Type.Shape[i] != 1 || _rng.Next(2) == 0).ToList();
        Shuffle(kept);
        var order = kept.ToList();
        int inserts = _rng.Next(2);
        for (int i = 0; i < inserts; i++)
        {
            order.Insert(_rng.Next(order.Count + 1), -1);
        }
        var shape = order.Select(a => a < 0 ? 1L : x.Shape[a]).ToArray();
        return Done("dimshuffle", T.DimShuffle(x.V, order), shape);
    }

    private Node? AllocOp(Node x)
    {
        // New leading axes, and broadcastable axes spread to a longer length.
        var lead = RandomShape(1 + _rng.Next(2)).Take(MaxRank - x.Rank).ToArray();
        var body = x.Shape.Select((n, i) => x.V.Type.Shape[i] == 1 && _rng.Next(2) == 0 ? 2L + _rng.Next(2) : n).ToArray();
        long[] shape = [.. lead, .. body];
        return Done("alloc", T.Alloc(x.V, shape), shape);
    }

    private Node? JoinOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        int axis = _rng.Next(x.Rank);
        var other = _rng.Next(3) == 0 ? x : Const(x.Shape.Select((n, i) => i == axis ? 1L + _rng.Next(2) : n).ToArray());
        var shape = x.Shape.Select((n, i) => i == axis ? n + other.Shape[i] : n).ToArray();
        var parts = _rng.Next(2) == 0 ? new[] { x.V, other.V } : [other.V, x.V];
        return Done("join", T.Join(_rng.Next(2) == 0 ? axis : axis - x.Rank, parts), shape);
    }

    private Node? StackOp(Node x)
    {
        int axis = _rng.Next(x.Rank + 1);
        var other = SameShape(x);
        var shape = x.Shape.ToList();
        shape.Insert(axis, 2);
        return Done("stack", T.Stack([x.V, other.V], axis), shape.ToArray());
    }

    private Node? SplitOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        int axis = _rng.Next(x.Rank);
        long n = x.Shape[axis];
        int pieces = 1 + _rng.Next(3);
        var sizes = new long[pieces];
        for (long i = 0; i < n; i++)
        {
            sizes[_rng.Next(pieces)]++;
        }
        var parts = T.Split(x.V, sizes, axis);
        if (_rng.Next(2) == 0)
        {
            // Put the pieces back together in reverse order.
            var reversed = Enumerable.Reverse(parts).ToArray();
            return Done("split+join", T.Join(axis, reversed), x.Shape);
        }
        int k = Enumerable.Range(0, pieces).Where(i => sizes[i] > 0).DefaultIfEmpty(0).Max();
        return Done("split", parts[k], x.Shape.Select((m, i) => i == axis ? sizes[k] : m).ToArray());
    }

    private Node? RepeatOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        int axis = _rng.Next(x.Rank);
        if (_rng.Next(2) == 0)
        {
            long r = 1 + _rng.Next(2);
            return Done("repeat", T.Repeat(x.V, r, axis), x.Shape.Select((n, i) => i == axis ? n * r : n).ToArray());
        }
        var counts = Enumerable.Range(0, (int)x.Shape[axis]).Select(_ => (long)_rng.Next(3)).ToArray();
        counts[_rng.Next(counts.Length)] = 1 + _rng.Next(2);
        var repeats = T.Constant(torch.tensor(counts, torch.int64));
        return Done("repeat:vector", T.Repeat(x.V, repeats, axis),
            x.Shape.Select((n, i) => i == axis ? counts.Sum() : n).ToArray());
    }

    private Node? TileOp(Node x)
    {
        var reps = Enumerable.Range(0, Math.Max(1, x.Rank - _rng.Next(2))).Select(_ => 1L + _rng.Next(2)).ToArray();
        int rank = Math.Max(reps.Length, x.Rank);
        var padded = Enumerable.Repeat(1L, rank - x.Rank).Concat(x.Shape).ToArray();
        var fullReps = Enumerable.Repeat(1L, rank - reps.Length).Concat(reps).ToArray();
        return Done("tile", T.Tile(x.V, reps), padded.Zip(fullReps, (n, r) => n * r).ToArray());
    }

    private Node? RollOp(Node x)
    {
        long shift = _rng.Next(7) - 3;
        int? axis = x.Rank == 0 || _rng.Next(3) == 0 ? null : _rng.Next(x.Rank);
        return Done("roll", T.Roll(x.V, shift, axis), x.Shape);
    }

    private Node? DiagOp(Node x)
    {
        switch (x.Rank)
        {
            case 1:
            {
                long k = _rng.Next(3) - 1;
                long n = x.Shape[0] + Math.Abs(k);
                return Done("diag:alloc", T.Diag(x.V, k), [n, n]);
            }
            case 2:
            {
                var (r, c) = (x.Shape[0], x.Shape[1]);
                long k = _rng.Next((int)(r + c - 1)) - (r - 1);
                long length = k >= 0 ? Math.Min(r, c - k) : Math.Min(r + k, c);
                return length <= 0 ? null : Done("diag:extract", T.Diag(x.V, k), [length]);
            }
            case 3:
            {
                long length = Math.Min(x.Shape[0], x.Shape[2]);
                return Done("diagonal", T.Diagonal(x.V, 0, 0, 2), [x.Shape[1], length]);
            }
            default:
                return null;
        }
    }

    private Node? TriOp(Node x)
    {
        if (x.Rank != 2)
        {
            return null;
        }
        long k = _rng.Next(3) - 1;
        var mask = T.Tri(T.ShapeI(x.V, 0), T.ShapeI(x.V, 1), Long(k), DType.Float64);
        return _rng.Next(2) == 0
            ? Done("tri:tril", x.V * mask, x.Shape)
            : Done("tri:triu", x.V - x.V * T.Tri(T.ShapeI(x.V, 0), T.ShapeI(x.V, 1), Long(k - 1), DType.Float64),
                x.Shape);
    }

    private Node? SpecifyShapeOp(Node x)
    {
        var shape = x.Shape.Select(n => _rng.Next(2) == 0 ? n : (long?)null).ToArray();
        if (_rng.Next(2) == 0)
        {
            return Done("specify_shape", T.SpecifyShape(x.V, shape), x.Shape);
        }
        var axes = Enumerable.Range(0, x.Rank).Where(i => x.V.Type.Shape[i] == 1).ToArray();
        return axes.Length == 0 ? null : Done("unbroadcast", T.Unbroadcast(x.V, axes), x.Shape);
    }

    // ---- indexing -----------------------------------------------------------------------------------------------

    private Node? SubtensorOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        var entries = new List<string>();
        var shape = new List<long>();
        int axes = 1 + _rng.Next(x.Rank);
        for (int a = 0; a < axes; a++)
        {
            long n = x.Shape[a];
            if (_rng.Next(6) == 0)
            {
                entries.Add("None");
                shape.Add(1);
            }
            switch (_rng.Next(4))
            {
                case 0:
                    entries.Add((_rng.Next((int)(2 * n)) - n).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case 1:
                    entries.Add(":");
                    shape.Add(n);
                    break;
                default:
                {
                    long? start = _rng.Next(3) == 0 ? null : _rng.Next((int)(2 * n + 3)) - n - 1;
                    long? stop = _rng.Next(3) == 0 ? null : _rng.Next((int)(2 * n + 3)) - n - 1;
                    long step = One([1L, 1L, 2L, -1L, -2L, 3L]);
                    long length = SliceLength(n, start, stop, step);
                    if (length == 0)
                    {
                        return null; // empty results are legal but make the rest of the graph empty
                    }
                    entries.Add($"{start}:{stop}:{step}");
                    shape.Add(length);
                    break;
                }
            }
        }
        shape.AddRange(x.Shape[axes..]);
        return Done("subtensor", T.Index(x.V, string.Join(",", entries)), shape.ToArray());
    }

    private Node? AdvancedSubtensorOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        int count = 1 + _rng.Next(4);
        switch (_rng.Next(3))
        {
            case 0:
            {
                var idx = Indices(x.Shape[0], count);
                return Done("advanced_subtensor1", T.AdvancedSubtensor1(x.V, idx), [count, .. x.Shape[1..]]);
            }
            case 1:
            {
                int axis = _rng.Next(x.Rank);
                var index = new object?[axis + 1];
                for (int i = 0; i < axis; i++)
                {
                    index[i] = ":";
                }
                index[axis] = Indices(x.Shape[axis], count);
                return Done("advanced_subtensor:axis",
                    T.Index(x.V, index), x.Shape.Select((n, i) => i == axis ? count : n).ToArray());
            }
            default:
            {
                if (x.Rank < 2)
                {
                    return null;
                }
                // Two index arrays on adjacent axes 0 and 1: numpy puts their broadcast shape first.
                var i0 = Indices(x.Shape[0], count);
                var i1 = Indices(x.Shape[1], count);
                return Done("advanced_subtensor:pair", T.Index(x.V, i0, i1), [count, .. x.Shape[2..]]);
            }
        }
    }

    private Node? MaskOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        var bits = Enumerable.Range(0, (int)x.Size).Select(_ => _rng.Next(2) == 0).ToArray();
        bits[_rng.Next(bits.Length)] = true;
        var mask = T.Constant(torch.tensor(bits).reshape(x.Shape));
        return Done("boolean_mask", T.Index(x.V, mask), [bits.Count(b => b)]);
    }

    private Node? SetIncOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        bool set = _rng.Next(2) == 0;
        Variable indexed;
        long[] indexedShape;
        switch (_rng.Next(3))
        {
            case 0:
            {
                long n = x.Shape[0];
                long start = _rng.Next((int)n);
                indexed = T.Index(x.V, $"{start}:");
                indexedShape = [n - start, .. x.Shape[1..]];
                break;
            }
            case 1:
            {
                int count = 1 + _rng.Next(3);
                // set with a repeated index: the last write wins, which the pullback must honour.
                indexed = T.AdvancedSubtensor1(x.V, Indices(x.Shape[0], count));
                indexedShape = [count, .. x.Shape[1..]];
                break;
            }
            default:
            {
                int count = 1 + _rng.Next(3);
                int axis = _rng.Next(x.Rank);
                var index = Enumerable.Range(0, axis).Select(_ => (object?)":").Append(Indices(x.Shape[axis], count))
                    .ToArray();
                indexed = T.Index(x.V, index);
                indexedShape = x.Shape.Select((n, i) => i == axis ? count : n).ToArray();
                break;
            }
        }
        // The written value: a fitting node of the pool, a broadcast constant, or a function of x itself.
        Variable y;
        var candidate = _pool.Where(p => Broadcast(indexedShape, p.Shape, indexed.Type, p.V.Type) is { } s
                                         && s.SequenceEqual(indexedShape)).ToList();
        if (candidate.Count > 0 && _rng.Next(2) == 0)
        {
            y = candidate[_rng.Next(candidate.Count)].V;
        }
        else
        {
            y = Const(indexedShape.Select(n => _rng.Next(3) == 0 ? 1L : n).ToArray(), broadcastable: true).V;
        }
        return set
            ? Done("set_subtensor", T.SetIndexed(indexed, y), x.Shape)
            : Done("inc_subtensor", T.IncIndexed(indexed, y), x.Shape);
    }

    private Node? TakeOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        string mode = One(["raise", "wrap", "clip"]);
        int? axis = _rng.Next(3) == 0 ? null : _rng.Next(x.Rank);
        long n = axis is null ? x.Size : x.Shape[axis.Value];
        var idxShape = RandomShape(1 + _rng.Next(2)).Take(2).ToArray();
        var values = Enumerable.Range(0, (int)idxShape.Aggregate(1L, (p, m) => p * m))
            .Select(_ => mode == "raise" ? (long)_rng.Next((int)(2 * n)) - n : _rng.Next((int)(4 * n + 1)) - 2 * n)
            .ToArray();
        var indices = T.Constant(torch.tensor(values, torch.int64).reshape(idxShape));
        long[] shape = axis is null ? idxShape : [.. x.Shape[..axis.Value], .. idxShape, .. x.Shape[(axis.Value + 1)..]];
        return Done($"take:{mode}", T.Take(x.V, indices, axis, mode), shape);
    }

    private Node? ArgmaxIndexOp(Node x)
    {
        if (x.Rank != 1)
        {
            return null;
        }
        var other = SameShape(x);
        // y[argmax(x)]: indexing by a symbolic integer scalar.
        return Done("argmax_index", T.Index(other.V, T.Argmax(x.V)), []);
    }

    private Node? PermuteOp(Node x)
    {
        if (x.Rank == 0)
        {
            return null;
        }
        var perm = Enumerable.Range(0, (int)x.Shape[^1]).Select(i => (long)i).ToArray();
        _rng.Shuffle(perm);
        var y = T.Constant(torch.tensor(perm, torch.int64));
        return Done("permute_row_elements", T.PermuteRowElements(x.V, y, _rng.Next(2) == 0), x.Shape);
    }

    // ---- nnet, linear algebra, sparse ---------------------------------------------------------------------------

    private Node? NnetOp(Node x)
    {
        switch (_rng.Next(4))
        {
            case 0:
                return Done("relu", T.Relu(x.V, _rng.Next(2) == 0 ? 0 : 0.1), x.Shape);
            case 1:
            {
                if (x.Rank != 2)
                {
                    return null;
                }
                var probs = torch.softmax(Uniform(x.Shape, -1, 1), 1);
                return Done("categorical_crossentropy", T.CategoricalCrossentropy(T.Softmax(x.V), T.Constant(probs)),
                    [x.Shape[0]]);
            }
            case 2:
            {
                var target = T.Constant(Uniform(x.Shape, 0.1, 0.9));
                return Done("binary_crossentropy", T.BinaryCrossentropy(T.Sigmoid(x.V), target), x.Shape);
            }
            default:
            {
                var target = T.Constant(Uniform(x.Shape, 0.1, 0.9));
                return Done("sigmoid_binary_crossentropy", T.SigmoidBinaryCrossentropy(x.V, target), x.Shape);
            }
        }
    }

    private Node? LinalgOp(Node x)
    {
        if (x.Rank != 2)
        {
            return null;
        }
        long m = x.Shape[0];
        // A symmetric positive definite matrix from x: x xᵀ plus a diagonal of distinct positive values.
        var diagonal = T.Constant(torch.diag(torch.arange(1, m + 1, torch.float64) * 0.7 + 0.5));
        var spd = T.Dot(x.V, T.Transpose(x.V)) + diagonal;
        switch (_rng.Next(8))
        {
            case 0:
                return Done("matrix_inverse", T.MatrixInverse(spd), [m, m]);
            case 1:
                return Done("det", T.Det(spd), []);
            case 2:
            {
                var b = _rng.Next(2) == 0 ? Const([m]) : Const([m, 1 + _rng.Next(2)]);
                string assume = One(["gen", "sym", "pos"]);
                return Done($"solve:{assume}", T.Solve(spd, b.V, assume), b.Shape);
            }
            case 3:
                return Done("cholesky", T.Cholesky(spd, _rng.Next(2) == 0), [m, m]);
            case 4:
                return Done("eigh", T.Eigh(spd).W, [m]);
            case 5:
                return Done("trace", T.Trace(spd), []);
            case 6:
                return Done("solve(x)", T.Solve(spd, x.V), x.Shape);
            default:
                return Done("extract_diag", T.ExtractDiag(x.V), [Math.Min(x.Shape[0], x.Shape[1])]);
        }
    }

    private Node? SparseOp(Node x)
    {
        if (x.Rank != 2)
        {
            return null;
        }
        var (m, k) = (x.Shape[0], x.Shape[1]);
        // Sparse ops differentiate structurally (only where the sparse operand is non-zero): keep x away from zero.
        var nonZero = T.Tanh(x.V) + C(2.0);
        switch (_rng.Next(3))
        {
            case 0:
            {
                // A constant sparse matrix times x.
                var dense = Uniform([2, m], -1, 1) * (Uniform([2, m], 0, 1) > 0.4);
                var sparse = T.SparseFromDense(T.Constant(dense));
                return Done("structured_dot", T.StructuredDot(sparse, x.V), [2, k]);
            }
            case 1:
            {
                var other = Const([m, k]);
                return Done("sparse_mul_sd", T.DenseFromSparse(T.MulSD(T.SparseFromDense(nonZero), other.V)), [m, k]);
            }
            default:
                return _rng.Next(2) == 0
                    ? Done("sp_sum", T.SpSum(T.SparseFromDense(nonZero), 0), [k])
                    : Done("sparse_add_sd", T.AddSD(T.SparseFromDense(nonZero), Const([m, k]).V), [m, k]);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    // ---- loops, subgraphs, checkpoints ---------------------------------------------------------------------------

    /// <summary>A recurrence over the first axis, h_t = tanh(c·x_t + h_{t-1}) (a Scan: BPTT and a forward R-op loop).</summary>
    private Node? ScanOp(Node x)
    {
        if (x.Rank == 0 || x.Shape[0] == 0)
        {
            return null;
        }
        var h0 = Const(x.Shape[1..]);
        double c = 0.3 + _rng.NextDouble();
        bool backwards = _rng.Next(3) == 0;
        var trace = T.Scan(a => T.Tanh(a[0] * c + a[1]), sequences: [x.V], outputsInfo: [h0.V],
            goBackwards: backwards).Output;
        return Done(backwards ? "scan:backwards" : "scan", trace, x.Shape);
    }

    /// <summary>tanh(x)·x + sin(x) as one <see cref="OpFromGraph"/> node, inline or not.</summary>
    private Node? OpFromGraphOp(Node x)
    {
        var inner = T.Tensor(x.V.DType, x.V.Type.Shape);
        bool inline = _rng.Next(2) == 0;
        var op = new OpFromGraph([inner], [T.Tanh(inner) * inner + T.Sin(inner)], new OpFromGraphOptions { Inline = inline });
        return Done(inline ? "op_from_graph:inline" : "op_from_graph", op.Call(x.V), x.Shape);
    }

    /// <summary>exp(-x²)·x recomputed in the backward pass (a checkpointed segment starting at x).</summary>
    private Node? CheckpointOp(Node x) =>
        Done("checkpoint", Checkpoint.Of(T.Exp(-(x.V * x.V)) * x.V, [x.V]), x.Shape);

    private Node? Done(string name, Variable v, long[] shape)
    {
        _ops.Add(name);
        return new Node(v, shape);
    }

    private Node Pick() => _rng.Next(10) < 6 ? _pool[^1] : _pool[_rng.Next(_pool.Count)];

    /// <summary>A node of the pool that broadcasts against <paramref name="a"/>, or a constant that does.</summary>
    private Node Partner(Node a)
    {
        for (int tries = 0; tries < 6; tries++)
        {
            var p = _pool[_rng.Next(_pool.Count)];
            if (Broadcast(a, p) is not null)
            {
                return p;
            }
        }
        int drop = _rng.Next(a.Rank + 1);
        return Const(a.Shape[drop..].Select(n => _rng.Next(3) == 0 ? 1L : n).ToArray(), broadcastable: true);
    }

    /// <summary>Another node of exactly <paramref name="a"/>'s shape: from the pool, a function of a, or a constant.</summary>
    private Node SameShape(Node a)
    {
        var same = _pool.Where(p => p.Shape.SequenceEqual(a.Shape)).ToList();
        return _rng.Next(3) switch
        {
            0 when same.Count > 0 => same[_rng.Next(same.Count)],
            1 => new Node(T.Tanh(a.V) + C(0.3), a.Shape),
            _ => Const(a.Shape),
        };
    }

    /// <summary>numpy's broadcast of two run-time shapes, when the static types allow it (only static 1s broadcast).</summary>
    private static long[]? Broadcast(long[] a, long[] b, TensorType? ta, TensorType? tb)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new long[rank];
        for (int i = 1; i <= rank; i++)
        {
            long da = i <= a.Length ? a[^i] : 1;
            long db = i <= b.Length ? b[^i] : 1;
            bool aBroad = i > a.Length || (ta is null ? da == 1 : ta.Shape[^i] == 1);
            bool bBroad = i > b.Length || (tb is null ? db == 1 : tb.Shape[^i] == 1);
            if (da == db)
            {
                shape[^i] = da;
            }
            else if (aBroad && da == 1)
            {
                shape[^i] = db;
            }
            else if (bBroad && db == 1)
            {
                shape[^i] = da;
            }
            else
            {
                return null;
            }
        }
        return shape;
    }

    /// <summary>The broadcast run-time shape of two nodes, or null when their static types do not broadcast.</summary>
    private static long[]? Broadcast(Node a, Node b) => Broadcast(a.Shape, b.Shape, a.V.Type, b.V.Type);

    /// <summary>The broadcast of two run-time shapes (as numpy's, for constants of those shapes).</summary>
    private static long[]? Broadcast(long[] a, long[] b) => Broadcast(a, b, null, null);

    /// <summary>A positive expression of x (one of several forms, all smooth).</summary>
    private Variable Positive(Variable x) => _rng.Next(4) switch
    {
        0 => T.Sqr(x) + C(0.5),
        1 => T.Softplus(x) + C(0.25),
        2 => T.Exp(T.Tanh(x)),
        _ => T.Sqrt(T.Sqr(x) + C(1.0)),
    };

    /// <summary>An expression of x strictly inside (-0.9, 0.9).</summary>
    private Variable Unit(Variable x) => _rng.Next(2) == 0
        ? T.Tanh(x) * C(0.9)
        : T.Sigmoid(x) * C(1.8) - C(0.9);

    /// <summary>x squashed into (-2, 2) before a function that grows fast, now and then.</summary>
    private Variable Tame(Node x) => _rng.Next(2) == 0 ? T.Tanh(x.V) * C(2.0) : x.V;

    private static Variable Elem(string name, params Variable[] inputs) =>
        new Elemwise(ScalarOps.ByName(name)).Call(inputs);

    private static Variable C(double value) => T.Constant(torch.tensor(value, torch.float64));

    private static Variable Long(long value) => T.Constant(torch.tensor(value, torch.int64));

    private Node Const(long[] shape, bool broadcastable = false)
    {
        var value = Uniform(shape, -1, 1);
        _ops.Add(broadcastable ? "constant:broadcast" : "constant");
        return new Node(T.Constant(value), shape);
    }

    private Variable Indices(long length, int count)
    {
        var values = Enumerable.Range(0, count).Select(_ => (long)_rng.Next((int)(2 * length)) - length).ToArray();
        return T.Constant(torch.tensor(values, torch.int64));
    }

    private torch.Tensor Uniform(long[] shape, double low, double high)
    {
        var data = new double[shape.Aggregate(1L, (p, n) => p * n)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = low + (high - low) * _rng.NextDouble();
        }
        return torch.tensor(data, torch.float64).reshape(shape);
    }

    private long[] RandomShape(int rank) => Enumerable.Range(0, rank).Select(_ => 1L + _rng.Next(4)).ToArray();

    /// <summary>A random shape of <paramref name="rank"/> axes (or fewer) whose product is <paramref name="size"/>.</summary>
    private long[] Factor(long size, int rank)
    {
        var shape = Enumerable.Repeat(1L, rank).ToArray();
        long rest = size;
        for (long p = 2; rest > 1;)
        {
            if (rest % p == 0)
            {
                shape[_rng.Next(rank)] *= p;
                rest /= p;
            }
            else
            {
                p++;
            }
        }
        return shape;
    }

    private static long SliceLength(long n, long? start, long? stop, long step)
    {
        // Python's slice.indices.
        long lower = step < 0 ? -1 : 0, upper = step < 0 ? n - 1 : n;
        long Clamp(long? v, long missing)
        {
            if (v is not long x)
            {
                return missing;
            }
            x = x < 0 ? x + n : x;
            return Math.Clamp(x, lower, upper);
        }
        long s = Clamp(start, step < 0 ? upper : lower), e = Clamp(stop, step < 0 ? lower : upper);
        return step > 0 ? Math.Max(0, (e - s + step - 1) / step) : Math.Max(0, (s - e - step - 1) / -step);
    }

    private Variable MaybeKeep(Variable all, Node x, bool keep) =>
        keep ? T.DimShuffle(all, Enumerable.Repeat(-1, x.Rank).ToArray()) : all;

    private T1 One<T1>(IReadOnlyList<T1> items) => items[_rng.Next(items.Count)];

    private void Shuffle<T1>(List<T1> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static string Show(long[] shape) => "(" + string.Join(", ", shape) + ")";
}
