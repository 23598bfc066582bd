using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Ops.Scan;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>One bad input for a C# entry point: <see cref="Run"/> makes the call.</summary>
/// <param name="Name">What is tried.</param>
/// <param name="Category">The family of entry points.</param>
/// <param name="Run">The call; a returned variable is compiled and run on ones, so run-time checks count too.</param>
/// <param name="Tokens">Names a good message mentions (the entry point, the argument).</param>
/// <param name="MustRaise">False for a probe, which may succeed.</param>
/// <param name="Expect">An exception type that must come out unchanged (e.g. one the caller's code threw).</param>
public sealed record BadCase(string Name, string Category, Func<object?> Run, string[] Tokens, bool MustRaise = true,
    Type? Expect = null);

/// <summary>
/// Bad input for every public C# entry point: the <see cref="T"/> functions (by reflection: null for every reference
/// argument, out-of-range axes, unknown option strings, invalid enum values, odd tensors as probes), the ops' own
/// <see cref="Op.MakeNode"/> (wrong arity, nulls), <see cref="Autodiff"/> with bad options, <see cref="Function"/>
/// compile and call, <see cref="SharedVariable"/> and <see cref="GraphJson"/> reading mutated documents.
/// </summary>
/// <remarks>
/// Run as a child of <c>stress/stress.py</c>: <c>badinput --from A --to B</c> prints <c>BEGIN i</c> and
/// <c>END i {json}</c> per case; the parent judges the exception with the same rules as for Python
/// (<c>stress/verdict.py</c>).
/// </remarks>
public static class BadInputs
{
    private static readonly NullabilityInfoContext s_nullability = new();

    private static readonly Variable M = T.DMatrix("m"), V = T.DVector("v"), S = T.DScalar("s");
    private static readonly Variable IV = T.LVector("iv"), IS = T.LScalar("is"), T3 = T.DTensor3("t3");
    private static readonly Variable BV = T.Vector(DType.Bool, "bv"), CV = T.Vector(DType.Complex128, "cv");

    /// <summary>Every case, in a fixed order.</summary>
    public static List<BadCase> All()
    {
        var cases = new List<BadCase>();
        cases.AddRange(TensorApiCases());
        cases.AddRange(OpCases());
        cases.AddRange(AutodiffCases());
        cases.AddRange(FunctionCases());
        cases.AddRange(SharedCases());
        cases.AddRange(JsonCases());
        return cases;
    }

    /// <summary>Runs cases from, from + stride, ... below to, and prints the protocol lines.</summary>
    public static int RunChild(int from, int to, int stride = 1)
    {
        var cases = All();
        for (int i = from; i < Math.Min(to, cases.Count); i += Math.Max(1, stride))
        {
            Console.WriteLine($"BEGIN {i}");
            Console.Out.Flush();
            var result = RunOne(cases[i]);
            Console.WriteLine($"END {i} {result.ToJsonString()}");
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>Runs one case and describes what it raised (the verdict is the parent's).</summary>
    public static JsonObject RunOne(BadCase c)
    {
        var result = new JsonObject
        {
            ["name"] = c.Name,
            ["category"] = c.Category,
            ["tokens"] = new JsonArray(c.Tokens.Select(t => (JsonNode)t).ToArray()),
            ["must_raise"] = c.MustRaise,
            ["expect"] = c.Expect?.Name,
        };
        using var scope = torch.NewDisposeScope();
        string phase = "build";
        try
        {
            var value = c.Run();
            phase = "run";
            RunValue(value);
            result["raised"] = false;
        }
        catch (SkipException)
        {
            result["skip"] = true;
        }
        catch (Exception e)
        {
            while (e is TargetInvocationException { InnerException: { } inner })
            {
                e = inner;
            }
            result["raised"] = true;
            result["phase"] = phase;
            result["type"] = e.GetType().Name;
            var types = new List<string>();
            for (var t = e.GetType(); t is not null; t = t.BaseType)
            {
                types.Add(t.Name);
            }
            result["types"] = new JsonArray(types.Select(t => (JsonNode)t).ToArray());
            result["message"] = e.Message.Length > 600 ? e.Message[..600] : e.Message;
            result["param"] = (e as ArgumentException)?.ParamName;
            result["expected_type_ok"] = c.Expect is null || c.Expect.IsInstanceOfType(e);
        }
        return result;
    }

    /// <summary>A variable (or variables) a case built is compiled and run on ones shaped by its free inputs.</summary>
    private static void RunValue(object? value)
    {
        var outputs = value switch
        {
            Variable v => [v],
            Variable[] vs => vs,
            ValueTuple<Variable, Variable> pair => [pair.Item1, pair.Item2],
            _ => Array.Empty<Variable>(),
        };
        if (outputs.Length == 0 || outputs.Any(o => o is null or NullGradient or DisconnectedGradient))
        {
            return;
        }
        var inputs = GraphOrder.GraphInputs(outputs).Where(v => v is not Constant and not SharedVariable).Distinct()
            .ToArray();
        var f = Function.Compile(inputs, outputs, new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore });
        var args = inputs.Select(v =>
        {
            var shape = v.Type.Shape.Select(n => n ?? 2).ToArray();
            return v.DType.IsDiscrete() ? torch.zeros(shape, v.DType.ToTorch()) : torch.ones(shape, v.DType.ToTorch());
        }).ToArray();
        foreach (var t in f.Call(args))
        {
            t.Dispose();
        }
    }

    private sealed class SkipException : Exception;

    // ---- T.* by reflection ------------------------------------------------------------------------------------

    private static IEnumerable<BadCase> TensorApiCases()
    {
        var methods = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethod).OrderBy(m => m.Name)
            .ThenBy(m => string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name))).ToArray();
        foreach (var method in methods)
        {
            var ps = method.GetParameters();
            string label = $"T.{method.Name}({string.Join(", ", ps.Select(p => p.ParameterType.Name))})";
            string[] tokens = [method.Name, .. ps.Select(p => p.Name!)];
            for (int i = 0; i < ps.Length; i++)
            {
                var p = ps[i];
                int index = i;
                BadCase Spoil(string what, object? value, bool must = true) => new(
                    $"{label}: {p.Name}={what}", "T", () => Invoke(method, index, value), [.. tokens, p.Name!], must);
                if (!p.ParameterType.IsValueType && s_nullability.Create(p).WriteState != NullabilityState.Nullable)
                {
                    yield return Spoil("null", null);
                }
                var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
                if (type == typeof(Variable))
                {
                    yield return Spoil("rank-3 tensor", T3, false);
                    yield return Spoil("bool vector", BV, false);
                    yield return Spoil("complex vector", CV, false);
                    yield return Spoil("int vector", IV, false);
                }
                else if (type == typeof(int) && p.Name is "axis" or "axis1" or "axis2" or "ndim")
                {
                    yield return Spoil("99", 99, p.Name != "ndim");
                    yield return Spoil("-99", -99);
                }
                else if (type == typeof(int) || type == typeof(long))
                {
                    yield return Spoil("-5", type == typeof(int) ? (object)(-5) : -5L, false);
                    yield return Spoil("huge", type == typeof(int) ? (object)int.MaxValue : long.MaxValue, false);
                }
                else if (type == typeof(string) && p.Name != "name")
                {
                    yield return Spoil("'bogus'", "bogus");
                    yield return Spoil("''", "", p.Name != "index");
                }
                else if (type == typeof(DType))
                {
                    yield return Spoil("(DType)99", (DType)99);
                }
                else if (type == typeof(double))
                {
                    yield return Spoil("NaN", double.NaN, false);
                }
                else if (type == typeof(long[]))
                {
                    yield return Spoil("[-5]", new long[] { -5 }, p.Name != "reps");
                    yield return Spoil("[huge]", new[] { long.MaxValue }, false);
                }
                else if (type == typeof(IReadOnlyList<int>) || type == typeof(int[]))
                {
                    yield return Spoil("[99]", new[] { 99 });
                    yield return Spoil("[0, 0]", new[] { 0, 0 }, false);
                }
                else if (type == typeof(object))
                {
                    yield return Spoil("object", new object());
                    yield return Spoil("'bogus'", "bogus");
                }
                else if (type == typeof(object?[]) || type == typeof(IReadOnlyList<object?>))
                {
                    yield return Spoil("[object]", new object?[] { new object() });
                    yield return Spoil("[1.5]", new object?[] { 1.5 });
                    yield return Spoil("too many", new object?[] { 0, 0, 0, 0, 0 });
                    yield return Spoil("[null element]", new object?[] { "a:b" });
                }
                else if (type == typeof(Variable[]) || type == typeof(IReadOnlyList<Variable>))
                {
                    yield return Spoil("[]", Array.Empty<Variable>(), p.Name is "tensors");
                    yield return Spoil("[null]", new Variable[] { null! },
                        s_nullability.Create(p).GenericTypeArguments.FirstOrDefault()?.ReadState != NullabilityState.Nullable);
                    yield return Spoil("[rank 3, vector]", new[] { T3, V }, false);
                }
                else if (type == typeof(IReadOnlyList<long?>))
                {
                    yield return Spoil("[-5]", new long?[] { -5 }, true);
                }
                else if (type == typeof(IReadOnlyList<IndexEntry>) || type == typeof(IReadOnlyList<IndexEntry?>))
                {
                    yield return Spoil("too many", Enumerable.Repeat((IndexEntry?)IndexEntry.All, 5).ToArray());
                }
            }
        }
    }

    private static readonly Dictionary<MethodInfo, object?[]?> s_bases = new();

    /// <summary>Calls <paramref name="method"/> with valid arguments except <paramref name="value"/> at <paramref name="index"/>.</summary>
    private static object? Invoke(MethodInfo method, int index, object? value)
    {
        var args = (BaseArguments(method) ?? method.GetParameters().Select(p => Candidates(p).FirstOrDefault()).ToArray())
            .ToArray();
        args[index] = Convert(value, method.GetParameters()[index].ParameterType);
        return method.Invoke(null, args);
    }

    private static object? Convert(object? value, Type type)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value;
        }
        if (value is object?[] objects && type == typeof(IReadOnlyList<object?>))
        {
            return objects;
        }
        if (value is Variable[] vs && type == typeof(IReadOnlyList<Variable>))
        {
            return vs;
        }
        if (value is int[] ints && type == typeof(IReadOnlyList<int>))
        {
            return ints;
        }
        if (value is IndexEntry?[] entries && type == typeof(IReadOnlyList<IndexEntry>))
        {
            return entries.Select(e => e!.Value).ToArray();
        }
        if (value is long?[] lengths && type == typeof(IReadOnlyList<long?>))
        {
            return lengths;
        }
        if (value is int i && (Nullable.GetUnderlyingType(type) ?? type) == typeof(long))
        {
            return (long)i;
        }
        return value;
    }

    /// <summary>Arguments <paramref name="method"/> accepts, found by trying candidates per parameter (once).</summary>
    private static object?[]? BaseArguments(MethodInfo method)
    {
        lock (s_bases)
        {
            if (s_bases.TryGetValue(method, out var known))
            {
                return known;
            }
        }
        var options = method.GetParameters().Select(p => Candidates(p).ToArray()).ToArray();
        object?[]? found = null;
        foreach (var combo in Product(options).Take(64))
        {
            try
            {
                using var scope = torch.NewDisposeScope();
                method.Invoke(null, combo);
                found = combo;
                break;
            }
            catch (TargetInvocationException)
            {
            }
            catch (ArgumentException)
            {
            }
        }
        lock (s_bases)
        {
            s_bases[method] = found;
        }
        return found;
    }

    private static IEnumerable<object?[]> Product(object?[][] options)
    {
        if (options.Length == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var head in options[0])
        {
            foreach (var rest in Product(options[1..]))
            {
                yield return [head, .. rest];
            }
        }
    }

    private static IEnumerable<object?> Candidates(ParameterInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        bool nullable = Nullable.GetUnderlyingType(p.ParameterType) is not null || (!p.ParameterType.IsValueType
            && s_nullability.Create(p).WriteState == NullabilityState.Nullable);
        if (p.HasDefaultValue)
        {
            yield return p.DefaultValue is DBNull ? null : p.DefaultValue;
        }
        else if (nullable)
        {
            yield return null;
        }
        if (type == typeof(Variable))
        {
            if (p.Name is "indices" or "repeats" or "perm" or "shift" or "splits" or "n" or "m" or "k" or "y"
                && p.Member.Name is not ("Dot" or "Outer"))
            {
                yield return IV;
                yield return IS;
            }
            yield return M;
            yield return V;
            yield return S;
            yield return IV;
        }
        else if (type == typeof(int))
        {
            yield return p.Name is "ndim" or "nSplits" ? 1 : 0;
            yield return 1;
        }
        else if (type == typeof(long))
        {
            yield return p.Name is "n" or "stop" ? 3L : 0L;
            yield return 2L;
        }
        else if (type == typeof(double))
        {
            yield return 1.0;
        }
        else if (type == typeof(bool))
        {
            yield return false;
        }
        else if (type == typeof(string))
        {
            yield return p.Name switch
            {
                "mode" => "raise",
                "assumeA" => "gen",
                "uplo" => "L",
                "onError" => "raise",
                "format" => "csr",
                "index" => ":",
                _ => "n",
            };
            yield return "half_to_even";
        }
        else if (type == typeof(DType))
        {
            yield return DType.Float64;
        }
        else if (type == typeof(long[]))
        {
            yield return new long[] { 2, 3 };
            yield return new long[] { 1 };
        }
        else if (type == typeof(int[]) || type == typeof(IReadOnlyList<int>))
        {
            yield return new[] { 0 };
        }
        else if (type == typeof(Variable[]) || type == typeof(IReadOnlyList<Variable>))
        {
            yield return p.Name is "shape" or "reps" ? new Variable[] { T.Constant(2L) } : new[] { M, M };
            yield return new[] { T.Constant(2L) };
        }
        else if (type == typeof(IReadOnlyList<long?>))
        {
            yield return new long?[] { null, null };
        }
        else if (type == typeof(object?[]) || type == typeof(IReadOnlyList<object?>))
        {
            yield return new object?[] { ":" };
        }
        else if (type == typeof(IReadOnlyList<IndexEntry>))
        {
            yield return new[] { IndexEntry.All };
        }
        else if (type == typeof(IReadOnlyList<IndexEntry?>))
        {
            yield return new IndexEntry?[] { IndexEntry.All };
        }
        else if (type == typeof(object))
        {
            yield return null;
        }
        else if (type == typeof(Func<Variable[], ScanStep>))
        {
            // A valid step: doubles its first argument (a sequence row or fed-back output), or makes a constant.
            yield return (Func<Variable[], ScanStep>)(a => a.Length > 0 ? a[0] * 2.0 : T.Constant(1.0));
        }
        else if (type == typeof(IReadOnlyList<ScanSequence>))
        {
            yield return new ScanSequence[] { V };
        }
    }

    // ---- ops' own MakeNode ------------------------------------------------------------------------------------

    private static IEnumerable<BadCase> OpCases()
    {
        var opTypes = typeof(Op).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract && t.IsPublic).OrderBy(t => t.FullName).ToArray();
        foreach (var type in opTypes)
        {
            var op = MakeOp(type);
            if (op is null)
            {
                continue;
            }
            string name = type.Name;
            string[] tokens = [name, op.ClassName, op.ToString() ?? name, "input"];
            yield return new BadCase($"{name}.MakeNode()", "op", () => op.MakeNode(), tokens);
            yield return new BadCase($"{name}.MakeNode(null)", "op", () => op.MakeNode([null!]), tokens);
            yield return new BadCase($"{name}.MakeNode(inputs=null)", "op", () => op.MakeNode(null!), tokens);
            yield return new BadCase($"{name}.MakeNode(6 inputs)", "op", () => op.MakeNode(M, M, M, M, M, M), tokens, false);
            yield return new BadCase($"{name}.MakeNode(rank-3, null)", "op", () => op.MakeNode(T3, null!), tokens);
        }
    }

    /// <summary>An instance of an op class, from the first public constructor whose arguments we can make.</summary>
    private static Op? MakeOp(Type type)
    {
        foreach (var ctor in type.GetConstructors().OrderBy(c => c.GetParameters().Length))
        {
            var args = ctor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : p.ParameterType switch
            {
                var t when t == typeof(int) => (object?)1,
                var t when t == typeof(long) => 1L,
                var t when t == typeof(double) => 1.0,
                var t when t == typeof(bool) => false,
                var t when t == typeof(string) => p.Name is "format" ? "csr" : p.Name is "assumeA" ? "gen" : "L",
                var t when t == typeof(DType) => DType.Float64,
                var t when t == typeof(ScalarOp) => ScalarOps.Exp,
                var t when t == typeof(IReadOnlyList<int>) || t == typeof(int[]) => new[] { 0 },
                var t when t == typeof(IReadOnlyList<int>) => new[] { 0 },
                var t when t == typeof(IReadOnlyList<string>) || t == typeof(string[]) => new[] { ":" },
                _ => null,
            }).ToArray();
            try
            {
                return (Op)ctor.Invoke(args);
            }
            catch (TargetInvocationException)
            {
            }
            catch (ArgumentException)
            {
            }
        }
        return null;
    }

    // ---- Autodiff ---------------------------------------------------------------------------------------------

    private static IEnumerable<BadCase> AutodiffCases()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var d = T.DVector("d");
        var cost = T.Sum(x * x);
        BadCase C(string name, Func<object?> run, string[] tokens, bool must = true, Type? expect = null) =>
            new(name, "autodiff", run, tokens, must, expect);
        yield return C("Grad(cost=null)", () => Autodiff.Grad(null, [x]), ["grad", "cost"]);
        yield return C("Grad(non-scalar)", () => Autodiff.Grad(x * 2, [x]), ["grad", "cost"]);
        yield return C("Grad(wrt=null)", () => Autodiff.Grad(cost, (IReadOnlyList<Variable>)null!), ["grad", "wrt"]);
        yield return C("Grad(wrt=[null])", () => Autodiff.Grad(cost, [null!]), ["grad", "wrt"]);
        yield return C("Grad(disconnected)", () => Autodiff.Grad(cost, [d]), ["grad", "graph"]);
        yield return C("Grad(options=null fields)", () => Autodiff.Grad(cost, [x], new GradOptions { ConsiderConstant = null! }),
            ["grad", "consider_constant", "ConsiderConstant"]);
        yield return C("Grad(KnownGrads null value)", () => Autodiff.Grad(null, [x],
            new GradOptions { KnownGrads = [new(x * 2, null!)] }), ["grad", "known_grads", "KnownGrads"]);
        yield return C("Grad(KnownGrads null key)", () => Autodiff.Grad(null, [x],
            new GradOptions { KnownGrads = [new(null!, x)] }), ["grad", "known_grads", "KnownGrads"]);
        yield return C("Grad(KnownGrads wrong rank)", () => Autodiff.Grad(null, [x],
            new GradOptions { KnownGrads = [new(x * 2, T.DMatrix())] }), ["grad", "known_grads"]);
        yield return C("Grad(KnownGrads = null)", () => Autodiff.Grad(cost, [x], new GradOptions { KnownGrads = null! }),
            ["grad", "known_grads", "KnownGrads"]);
        yield return C("Grad(DisconnectedInputs=(policy)9)", () => Autodiff.Grad(cost, [d],
            new GradOptions { DisconnectedInputs = (DisconnectedPolicy)9 }), ["grad", "disconnected"]);
        yield return C("Grad(ReturnDisconnected=(kind)9)", () => Autodiff.Grad(cost, [d],
            new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore, ReturnDisconnected = (ReturnDisconnected)9 }),
            ["grad", "return_disconnected", "ReturnDisconnected"]);
        yield return C("Grad(undefined)", () => Autodiff.Grad(T.Sum(T.UndefinedGrad(x)), [x]), ["grad", "undefined", "NaN"]);
        yield return C("Lop(f=null)", () => Autodiff.Lop(null!, [x], [y]), ["Lop", "f"]);
        yield return C("Lop(f=[null])", () => Autodiff.Lop([null!], [x], [y]), ["Lop", "f"]);
        yield return C("Lop(evalPoints=null)", () => Autodiff.Lop([x * 2], [x], null!), ["Lop", "evalPoints", "eval"]);
        yield return C("Lop(evalPoints=[null])", () => Autodiff.Lop([x * 2], [x], [null!]), ["Lop", "eval"]);
        yield return C("Lop(count)", () => Autodiff.Lop([x * 2, x], [x], [y]), ["Lop", "eval"]);
        yield return C("Lop(rank)", () => Autodiff.Lop([x * 2], [x], [T.DMatrix()]), ["Lop", "eval", "dimensionality"]);
        yield return C("Lop(wrt=null)", () => Autodiff.Lop([x * 2], null!, [y]), ["Lop", "wrt"]);
        yield return C("Lop(dtype)", () => Autodiff.Lop([x * 2], [x], [T.LVector()]), ["Lop", "eval"], false);
        yield return C("Rop(f=null)", () => Autodiff.Rop(null!, [x], [y]), ["Rop", "f"]);
        yield return C("Rop(f=[null])", () => Autodiff.Rop([null!], [x], [y]), ["Rop", "f"]);
        yield return C("Rop(wrt=[null])", () => Autodiff.Rop([x * 2], [null!], [y]), ["Rop", "wrt"]);
        yield return C("Rop(evalPoints=null)", () => Autodiff.Rop([x * 2], [x], null!), ["Rop", "evalPoints", "eval"]);
        yield return C("Rop(count)", () => Autodiff.Rop([x * 2], [x, y], [y]), ["Rop", "eval"]);
        yield return C("Rop(rank)", () => Autodiff.Rop([x * 2], [x], [T.DMatrix()]), ["Rop", "eval", "dimensionality"]);
        yield return C("Rop(disconnected)", () => Autodiff.Rop([d * 2], [x], [y]), ["Rop", "depend"]);
        yield return C("Rop(evalPoint int)", () => Autodiff.Rop([x * 2], [x], [T.LVector()]), ["Rop", "eval"], false);
        yield return C("Jacobian(null)", () => Autodiff.Jacobian(null!, [x]), ["jacobian", "expression"]);
        yield return C("Jacobian(wrt=null)", () => Autodiff.Jacobian(x * 2, null!), ["jacobian", "wrt"]);
        yield return C("Jacobian(wrt=[null])", () => Autodiff.Jacobian(x * 2, [null!]), ["jacobian", "wrt"]);
        yield return C("Jacobian(chunkSize=0)", () => Autodiff.Jacobian(x * 2, [x], chunkSize: 0), ["jacobian", "chunk"]);
        yield return C("Jacobian(chunkSize=-1)", () => Autodiff.Jacobian(x * 2, [x], chunkSize: -1), ["jacobian", "chunk"]);
        yield return C("Jacobian(chunkSize, unknown shape)", () => Autodiff.Jacobian(x * 2, [x], chunkSize: 2),
            ["jacobian", "chunk"]);
        yield return C("Jacobian(disconnected)", () => Autodiff.Jacobian(x * 2, [d]), ["jacobian", "graph", "grad"]);
        yield return C("Hessian(non-scalar)", () => Autodiff.Hessian(x * 2, [x]), ["hessian", "cost"]);
        yield return C("Hessian(null)", () => Autodiff.Hessian(null!, [x]), ["hessian", "cost"]);
        yield return C("Hessian(wrt=[null])", () => Autodiff.Hessian(cost, [null!]), ["hessian", "wrt"]);
        yield return C("Hessian(wrt matrix)", () => Autodiff.Hessian(T.Sum(T.DMatrix("w")), [T.DMatrix("w2")]),
            ["hessian", "graph", "wrt"]);
        yield return C("HessianVectorProduct(v rank)", () => Autodiff.HessianVectorProduct(cost, x, T.DMatrix()),
            ["hessian_vector_product", "HessianVectorProduct", "v"]);
        yield return C("HessianVectorProduct(null)", () => Autodiff.HessianVectorProduct(cost, x, null!),
            ["hessian_vector_product", "HessianVectorProduct", "v"]);
        yield return C("VerifyGrad(fun=null)", () => { Autodiff.VerifyGrad(null!, [torch.ones(3)]); return null; },
            ["verify_grad", "VerifyGrad", "fun"]);
        yield return C("VerifyGrad(point=null)", () => { Autodiff.VerifyGrad(v => v[0] * 2, null!); return null; },
            ["verify_grad", "VerifyGrad", "point"]);
        yield return C("VerifyGrad(point=[null])", () => { Autodiff.VerifyGrad(v => v[0] * 2, [null!]); return null; },
            ["verify_grad", "VerifyGrad", "point"]);
        yield return C("VerifyGrad(int point)", () =>
            {
                Autodiff.VerifyGrad(v => v[0] * 2, [torch.ones(3, torch.int64)]);
                return null;
            }, ["verify_grad", "VerifyGrad", "input"]);
        yield return C("VerifyGrad(nTests=-1)", () =>
        {
            Autodiff.VerifyGrad(v => v[0] * 2, [torch.ones(3, torch.float64)], nTests: -1);
            return null;
        }, ["verify_grad", "nTests", "n_tests"], false);
        yield return C("VerifyGrad(eps=0)", () =>
        {
            Autodiff.VerifyGrad(v => T.Sum(v[0] * v[0]), [torch.ones(3, torch.float64)], eps: 0);
            return null;
        }, ["verify_grad", "eps"]);
        yield return C("VerifyGrad(eps=NaN)", () =>
        {
            Autodiff.VerifyGrad(v => T.Sum(v[0] * v[0]), [torch.ones(3, torch.float64)], eps: double.NaN);
            return null;
        }, ["verify_grad", "eps"]);
        yield return C("VerifyGrad(fun throws)", () =>
        {
            Autodiff.VerifyGrad(_ => throw new TimeoutException("the user's function failed"), [torch.ones(3, torch.float64)]);
            return null;
        }, [], true, typeof(TimeoutException));
        yield return C("VerifyGrad(fun returns null)", () =>
        {
            Autodiff.VerifyGrad(_ => null!, [torch.ones(3, torch.float64)]);
            return null;
        }, ["verify_grad", "VerifyGrad", "fun"]);
        yield return C("VerifyGrad(wrong gradient)", () =>
        {
            Autodiff.VerifyGrad(v => T.Sum(T.Sqr(T.GradScale(v[0], 2.0))), [torch.ones(3, torch.float64)]);
            return null;
        }, ["verify_grad", "gradient"], true, typeof(GradientException));
        yield return C("NumericGrad(null)", () => new NumericGrad(null!, [torch.ones(3, torch.float64)]),
            ["numeric_grad", "NumericGrad", "f"]);
        yield return C("Vectorize(null)", () => Batching.Vectorize(null!, new Dictionary<Variable, Variable>()),
            ["Vectorize", "outputs"]);
        yield return C("Vectorize(axis mismatch)", () => Batching.Vectorize([x * 2],
            new Dictionary<Variable, Variable> { [x] = T.DVector() }), ["Vectorize", "batch", "rank"]);
        yield return C("GradClip(lower > upper)", () => T.GradClip(x, 1.0, -1.0), ["grad_clip", "GradClip", "bound"]);
    }

    // ---- Function: compile and call ----------------------------------------------------------------------------

    private static IEnumerable<BadCase> FunctionCases()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var m = T.DMatrix("mm");
        var shared = new SharedVariable(torch.ones(3, dtype: torch.float64), "sv");
        BadCase C(string name, Func<object?> run, string[] tokens, bool must = true, string category = "compile") =>
            new(name, category, run, tokens, must);
        string[] fn = ["function", "input", "output"];
        yield return C("Compile(null, outputs)", () => Function.Compile(null!, [x]), [.. fn, "inputs"]);
        yield return C("Compile(inputs, null)", () => Function.Compile([x], null!), [.. fn, "outputs"]);
        yield return C("Compile([null])", () => Function.Compile([null!], [x]), fn);
        yield return C("Compile(outputs [null])", () => Function.Compile([x], [null!]), fn);
        yield return C("Compile(constant input)", () => Function.Compile([T.Constant(1.0)], [x]), fn);
        yield return C("Compile(shared input)", () => Function.Compile([shared], [x]), fn);
        yield return C("Compile(repeated input)", () => Function.Compile([x, x], [x]), fn);
        yield return C("Compile(missing input)", () => Function.Compile([x], [x + y]), [.. fn, "y"]);
        yield return C("Compile(unused input)", () => Function.Compile([x, y], [x]), fn);
        yield return C("Compile(OnUnusedInput=(policy)9)", () => Function.Compile([x, y], [x],
            new CompileOptions { OnUnusedInput = (UnusedInputPolicy)9 }), [.. fn, "unused"]);
        yield return C("Compile(Updates null)", () => Function.Compile([x], [x], new CompileOptions { Updates = null! }),
            [.. fn, "update"]);
        yield return C("Compile(Givens null)", () => Function.Compile([x], [x], new CompileOptions { Givens = null! }),
            [.. fn, "givens"]);
        yield return C("Compile(update target null)", () => Function.Compile([x], [x],
            new CompileOptions { Updates = [new(null!, x)] }), [.. fn, "update"]);
        yield return C("Compile(update value null)", () => Function.Compile([x], [x],
            new CompileOptions { Updates = [new(shared, null!)] }), [.. fn, "update"]);
        yield return C("Compile(update dtype)", () => Function.Compile([x], [x],
            new CompileOptions { Updates = [new(shared, T.LVector())] }), [.. fn, "update", "sv"]);
        yield return C("Compile(update rank)", () => Function.Compile([x], [x],
            new CompileOptions { Updates = [new(shared, m)] }), [.. fn, "update", "sv"]);
        yield return C("Compile(update twice)", () => Function.Compile([x], [x],
            new CompileOptions { Updates = [new(shared, x), new(shared, x)] }), [.. fn, "update", "sv"]);
        yield return C("Compile(givens type)", () => Function.Compile([x], [x * 2],
            new CompileOptions { Givens = new Dictionary<Variable, Variable> { [x] = m } }), [.. fn, "givens", "given"]);
        yield return C("Compile(givens dtype)", () => Function.Compile([x], [x * 2],
            new CompileOptions { Givens = new Dictionary<Variable, Variable> { [x] = T.LVector() } }),
            [.. fn, "givens", "given"]);
        yield return C("Compile(givens null value)", () => Function.Compile([x], [x * 2],
            new CompileOptions { Givens = new Dictionary<Variable, Variable> { [x] = null! } }), [.. fn, "givens", "given"]);
        yield return C("Compile(Rewrites [null])", () => Function.Compile([x], [x * 2],
            new CompileOptions { Rewrites = [null!] }), [.. fn, "rewrite"]);
        yield return C("Compile(null gradient output)", () => Function.Compile([x],
            [Autodiff.Grad(T.Sum(T.UndefinedGrad(x)), [x], new GradOptions { ReturnNullGradients = true })[0]]),
            [.. fn, "undefined", "NaN"]);

        var f = Function.Compile([x, m], [T.Sum(m * x)], new CompileOptions { Name = "f" });
        string[] call = ["function f", "argument", "x", "mm"];
        var good = torch.ones(3, dtype: torch.float64);
        var goodM = torch.ones(2, 3, dtype: torch.float64);
        BadCase Call(string name, Func<object?> run, bool must = true) => C(name, run, call, must, "call");
        yield return Call("Call()", () => f.Call(Array.Empty<torch.Tensor>()));
        yield return Call("Call(null array)", () => f.Call((torch.Tensor[])null!));
        yield return Call("Call(null, m)", () => f.Call(null!, goodM));
        yield return Call("Call(x, m, extra)", () => f.Call(good, goodM, good));
        yield return Call("Call(rank 2, m)", () => f.Call(goodM, goodM));
        yield return Call("Call(complex, m)", () => f.Call(torch.ones(3, torch.complex128), goodM));
        yield return Call("Call(int64, m)", () => f.Call(torch.ones(3, torch.int64), goodM), false);
        yield return Call("Call(float32, m)", () => f.Call(torch.ones(3, torch.float32), goodM), false);
        yield return Call("Call(bool, m)", () => f.Call(torch.ones(3, torch.@bool), goodM), false);
        yield return Call("Call(float16, m)", () => f.Call(torch.ones(3, torch.float16), goodM), false);
        yield return Call("Call(mismatched m)", () => f.Call(good, torch.ones(2, 4, dtype: torch.float64)));
        yield return Call("Call(disposed)", () =>
        {
            var t = torch.ones(3, dtype: torch.float64);
            t.Dispose();
            return f.Call(t, goodM);
        });
        yield return Call("Call(sparse)", () => f.Call(torch.ones(3, dtype: torch.float64).to_sparse(), goodM));
        yield return Call("Call(sparse matrix)", () => f.Call(good, goodM.to_sparse()));
        yield return Call("Call(requires grad)", () => f.Call(torch.ones(3, dtype: torch.float64, requires_grad: true), goodM),
            false);
        yield return Call("Call(non-contiguous)", () => f.Call(torch.ones(6, dtype: torch.float64)[torch.TensorIndex.Slice(step: 2)],
            goodM), false);
        yield return Call("Call(empty)", () => f.Call(torch.ones(0, dtype: torch.float64), torch.ones(0, 0, dtype: torch.float64)),
            false);
        yield return Call("Call(NaN)", () => f.Call(torch.full(3, double.NaN, dtype: torch.float64), goodM), false);
        yield return Call("Call(huge broadcast)", () => f.Call(torch.ones(1, dtype: torch.float64).expand(10_000_000),
            torch.ones(1, 1, dtype: torch.float64).expand(10_000_000, 10_000_000)), true);
        yield return Call("Call(object: str)", () => f.Call(new object[] { "abc", goodM }));
        yield return Call("Call(object: null)", () => f.Call(new object[] { null!, goodM }));
        yield return Call("Call(object: object)", () => f.Call(new object[] { new object(), goodM }));
        yield return Call("Call(object: jagged)", () => f.Call(new object[] { new[] { new[] { 1.0 } }, goodM }));
        yield return Call("Call(object: string array)", () => f.Call(new object[] { new[] { "a" }, goodM }));
        yield return Call("Call(object: decimal)", () => f.Call(new object[] { 1m, goodM }));
        yield return Call("Call(object: double[,] for vector)", () => f.Call(new object[] { new double[2, 2], goodM }));
        yield return Call("Call(object: char[])", () => f.Call(new object[] { new[] { 'a' }, goodM }));
        yield return Call("Call(object: ulong[])", () => f.Call(new object[] { new ulong[3], goodM }));
        yield return Call("Call(object: too few)", () => f.Call(new object[] { good }));
        yield return Call("Call(object: number for vector)", () => f.Call(new object[] { 1.0, goodM }));
        yield return Call("Call(object: null array)", () => f.Call((object[])null!));
    }

    // ---- shared variables -------------------------------------------------------------------------------------

    private static IEnumerable<BadCase> SharedCases()
    {
        var s = new SharedVariable(torch.ones(2, 3, dtype: torch.float64), "sm");
        string[] tokens = ["shared", "sm", "set_value", "SetValue", "value"];
        BadCase C(string name, Func<object?> run, bool must = true, string[]? t = null) =>
            new(name, "shared", run, t ?? tokens, must);
        yield return C("new SharedVariable(null)", () => new SharedVariable(null!, "sn"), true, ["shared", "sn", "value"]);
        yield return C("new SharedVariable(disposed)", () =>
        {
            var t = torch.ones(2);
            t.Dispose();
            return new SharedVariable(t, "sd");
        }, true, ["shared", "sd", "value"]);
        yield return C("new SharedVariable(shape mismatch)", () => new SharedVariable(torch.ones(2), "ss", shape: [3]),
            true, ["shared", "ss", "shape"]);
        yield return C("new SharedVariable(shape rank)", () => new SharedVariable(torch.ones(2), "sr", shape: [3, 3]),
            true, ["shared", "sr", "shape", "rank"]);
        yield return C("new SharedVariable(sparse)", () => new SharedVariable(torch.ones(2, 2).to_sparse(), "sp"), false,
            ["shared", "sp", "sparse"]);
        yield return C("Shared.Create(str)", () => Shared.Create((object)"abc", "sc"), true, ["shared", "sc"]);
        yield return C("Shared.Create(null)", () => Shared.Create((object)null!, "sc"), true, ["shared", "sc"]);
        yield return C("Shared.Create(object[])", () => Shared.Create(new object[1], "sc"), true, ["shared", "sc"]);
        yield return C("Shared.Create(jagged)", () => Shared.Create(new[] { new[] { 1.0 } }, "sc"), true, ["shared", "sc"]);
        yield return C("Shared.Create(decimal)", () => Shared.Create(1m, "sc"), true, ["shared", "sc"]);
        yield return C("SetValue(null)", () => { s.SetValue(null!); return null; });
        yield return C("SetValue(rank)", () => { s.SetValue(torch.ones(3, dtype: torch.float64)); return null; });
        yield return C("SetValue(complex)", () => { s.SetValue(torch.ones(2, 3, torch.complex128)); return null; });
        yield return C("SetValue(disposed)", () =>
        {
            var t = torch.ones(2, 3, dtype: torch.float64);
            t.Dispose();
            s.SetValue(t);
            return null;
        });
        yield return C("SetValue(sparse)", () => { s.SetValue(torch.ones(2, 3, dtype: torch.float64).to_sparse()); return null; });
        yield return C("SetValue(int64)", () => { s.SetValue(torch.ones(2, 3, torch.int64)); return null; }, false);
        yield return C("SetValue(NaN)", () => { s.SetValue(torch.full(2, 3, double.NaN, dtype: torch.float64)); return null; },
            false);
        yield return C("SetValue(empty)", () => { s.SetValue(torch.ones(0, 3, dtype: torch.float64)); return null; }, false);
        yield return C("GetValue after Dispose", () =>
        {
            var d = new SharedVariable(torch.ones(2), "gone");
            d.Dispose();
            return d.GetValue();
        }, true, ["shared", "gone", "dispose"]);
        yield return C("call after the shared value was disposed", () =>
        {
            var d = new SharedVariable(torch.ones(2, dtype: torch.float64), "gone2");
            var g = Function.Compile([], [d * 2.0]);
            d.Dispose();
            return g.Call(Array.Empty<torch.Tensor>());
        }, true, ["shared", "gone2", "dispose", "function"]);
    }

    // ---- graph JSON -------------------------------------------------------------------------------------------

    private static IEnumerable<BadCase> JsonCases()
    {
        var x = T.DVector("x");
        var c = T.Constant(torch.tensor(new[] { 1.0, 2.0, 3.0 }));
        var s = new SharedVariable(torch.ones(3, dtype: torch.float64), "js");
        var y = T.Sum(T.Exp(x) * c + s, 0);
        var z = T.Index(T.Reshape(y + x, [3, 1]), "0:2, :");
        string doc = GraphJson.Write([x], [y, z], indented: false);
        string[] tokens = ["graph json", "variables", "nodes", "inputs", "outputs", "format", "version", "document",
            "json", "values"];
        BadCase C(string name, string text, bool must = true, string[]? more = null) =>
            new(name, "json", () => GraphJson.Read(text), [.. tokens, .. more ?? []], must);

        for (int cut = 1; cut < doc.Length; cut += Math.Max(1, doc.Length / 120))
        {
            yield return C($"truncated at {cut}", doc[..cut]);
        }
        yield return C("empty", "");
        yield return C("not json", "hello");
        yield return C("null", "null");
        yield return C("number", "5");
        yield return C("array", "[]");
        yield return C("deep nesting", new string('[', 100_000) + new string(']', 100_000));
        yield return C("deep object nesting", string.Concat(Enumerable.Repeat("{\"a\":", 50_000)) + "1" +
                                            new string('}', 50_000));
        yield return C("binary", "\0\u0001\u0002");
        yield return C("huge string", "\"" + new string('a', 5_000_000) + "\"");

        var root = JsonNode.Parse(doc)!.AsObject();
        foreach (var key in root.Select(p => p.Key).ToArray())
        {
            var without = (JsonObject)root.DeepClone();
            without.Remove(key);
            yield return C($"without {key}", without.ToJsonString(), true, [key]);
            foreach (var (label, value) in Replacements())
            {
                var changed = (JsonObject)root.DeepClone();
                changed[key] = value?.DeepClone();
                yield return C($"{key} = {label}", changed.ToJsonString(), true, [key]);
            }
        }
        var variables = root["variables"]!.AsArray();
        for (int i = 0; i < variables.Count; i++)
        {
            foreach (var field in variables[i]!.AsObject().Select(p => p.Key).ToArray())
            {
                bool optional = field is "name" or "weak";
                var without = (JsonObject)root.DeepClone();
                without["variables"]![i]!.AsObject().Remove(field);
                yield return C($"variables[{i}] without {field}", without.ToJsonString(), !optional, [field]);
                foreach (var (label, value) in Replacements())
                {
                    var changed = (JsonObject)root.DeepClone();
                    changed["variables"]![i]![field] = value?.DeepClone();
                    bool probe = (field == "name" && label is "null" or "string") || (field == "weak" && label is "false" or "bool");
                    yield return C($"variables[{i}].{field} = {label}", changed.ToJsonString(), !probe, [field]);
                }
            }
            if (variables[i]!["type"] is JsonObject)
            {
                foreach (var (label, value) in new (string, JsonNode?)[]
                         {
                             ("shape -1", new JsonArray(-1)), ("shape huge", new JsonArray(1_000_000_000_000)),
                             ("shape 1.5", new JsonArray(1.5)), ("shape string", new JsonArray("a")),
                             ("dtype bogus", null), ("rank 40", new JsonArray(Enumerable.Repeat((JsonNode?)null, 40).ToArray())),
                         })
                {
                    var changed = (JsonObject)root.DeepClone();
                    if (label == "dtype bogus")
                    {
                        changed["variables"]![i]!["type"]!["dtype"] = "float99";
                    }
                    else
                    {
                        changed["variables"]![i]!["type"]!["shape"] = value;
                    }
                    yield return C($"variables[{i}].type {label}", changed.ToJsonString(), true, ["type", "shape", "dtype"]);
                }
            }
            if (variables[i]!["value"] is JsonObject)
            {
                foreach (var (label, value) in new (string, JsonObject)[]
                         {
                             ("huge shape", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(1_000_000_000_000), ["data"] = "AAAA" }),
                             ("negative shape", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(-3), ["data"] = "" }),
                             ("bad base64", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(3), ["data"] = "!!!" }),
                             ("short data", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(3), ["data"] = "AAAA" }),
                             ("long data", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(0), ["data"] = "AAAAAAAAAAA=" }),
                             ("bad dtype", new JsonObject { ["dtype"] = "float99", ["shape"] = new JsonArray(3), ["data"] = "AAAA" }),
                             ("overflowing shape", new JsonObject { ["dtype"] = "float64", ["shape"] = new JsonArray(4_000_000_000, 4_000_000_000, 4_000_000_000), ["data"] = "" }),
                         })
                {
                    var changed = (JsonObject)root.DeepClone();
                    changed["variables"]![i]!["value"] = value;
                    yield return C($"variables[{i}].value {label}", changed.ToJsonString(), true, ["value", "data", "shape"]);
                }
            }
        }
        var nodes = root["nodes"]!.AsArray();
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (var field in nodes[i]!.AsObject().Select(p => p.Key).ToArray())
            {
                var without = (JsonObject)root.DeepClone();
                without["nodes"]![i]!.AsObject().Remove(field);
                yield return C($"nodes[{i}] without {field}", without.ToJsonString(), field != "props", [field, "op"]);
                foreach (var (label, value) in Replacements().Append(("self reference", new JsonArray(9999)))
                             .Append(("bogus op", JsonValue.Create("Bogus"))))
                {
                    var changed = (JsonObject)root.DeepClone();
                    changed["nodes"]![i]![field] = value?.DeepClone();
                    yield return C($"nodes[{i}].{field} = {label}", changed.ToJsonString(), true, [field, "op", "props"]);
                }
            }
            if (nodes[i]!["props"] is JsonObject props)
            {
                foreach (var prop in props.Select(p => p.Key).ToArray())
                {
                    foreach (var (label, value) in Replacements())
                    {
                        var changed = (JsonObject)root.DeepClone();
                        changed["nodes"]![i]!["props"]![prop] = value?.DeepClone();
                        yield return C($"nodes[{i}].props.{prop} = {label}", changed.ToJsonString(), label != "null",
                            [prop, "props", "op"]);
                    }
                }
            }
        }
        // A cycle: node 0 reads the output of the last node.
        var cyclic = (JsonObject)root.DeepClone();
        cyclic["nodes"]![0]!["inputs"] = new JsonArray(cyclic["nodes"]![nodes.Count - 1]!["outputs"]![0]!.GetValue<int>());
        yield return C("cycle", cyclic.ToJsonString(), true, ["op"]);

        string values = GraphJson.WriteValues([torch.ones(2, 2)]);
        yield return new BadCase("ReadValues(not json)", "json", () => GraphJson.ReadValues("x"), tokens);
        yield return new BadCase("ReadValues(graph document)", "json", () => GraphJson.ReadValues(doc), tokens);
        yield return new BadCase("ReadValues(truncated)", "json", () => GraphJson.ReadValues(values[..^5]), tokens);
        yield return new BadCase("ReadValues(huge)", "json", () => GraphJson.ReadValues(values.Replace("[2,2]", "[2000000000000,2]")),
            tokens);
        yield return new BadCase("ReadValues(null)", "json", () => GraphJson.ReadValues(null!), [.. tokens, "json"]);
        yield return new BadCase("Read(null)", "json", () => GraphJson.Read(null!), [.. tokens, "json"]);
        yield return new BadCase("Load(missing file)", "json", () => GraphJson.Load("/nonexistent/graph.json"),
            ["graph.json"], true, typeof(IOException));
        yield return new BadCase("Write(null inputs)", "json", () => GraphJson.Write(null!, [x]), [.. tokens, "inputs"]);
        yield return new BadCase("Write([null])", "json", () => GraphJson.Write([null!], [x]), [.. tokens, "input"]);
        yield return new BadCase("Write(constant input)", "json", () => GraphJson.Write([c], [c * 2.0]), [.. tokens, "input"]);
        yield return new BadCase("Write(outputs [null])", "json", () => GraphJson.Write([x], [null!]), [.. tokens, "output"]);
        yield return new BadCase("WriteValues(null)", "json", () => GraphJson.WriteValues(null!), [.. tokens, "values"]);
        yield return new BadCase("WriteValues([disposed])", "json", () =>
        {
            var t = torch.ones(2);
            t.Dispose();
            return GraphJson.WriteValues([t]);
        }, [.. tokens, "values", "disposed"]);
    }

    private static IEnumerable<(string Label, JsonNode? Value)> Replacements() =>
    [
        ("null", null),
        ("string", JsonValue.Create("zz")),
        ("negative", JsonValue.Create(-5)),
        ("huge", JsonValue.Create(1e300)),
        ("bool", JsonValue.Create(true)),
        ("object", new JsonObject()),
        ("list", new JsonArray(1, "a")),
        ("false", JsonValue.Create(false)),
    ];
}
