using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// A float expression read as <c>± Π num / Π den</c> through the element-wise <c>mul</c>, <c>true_div</c>,
/// <c>reciprocal</c>, <c>neg</c>, <c>sqr</c> and <c>pow</c> by a small integer constant nodes above it (Aesara's
/// <c>AlgebraicCanonizer.get_num_denum</c>), for the rewrites that cancel or regroup factors. Factors are compared by
/// reference: the merge step makes equal subexpressions one variable.
/// </summary>
/// <remarks>
/// Reading stops at <see cref="MaxFactors"/> factors, so that a chain of thousands of products (the gradient of a deep
/// network) costs a bounded amount per node; what lies below is kept as one factor. Only nodes whose output has the
/// root's float dtype are read through, so a product is rebuilt in the dtype it was computed in.
/// </remarks>
internal sealed class Product
{
    /// <summary>How many factors a product is read into at most.</summary>
    public const int MaxFactors = 32;

    private Product(bool negative, List<Variable> num, List<Variable> den)
    {
        Negative = negative;
        Num = num;
        Den = den;
    }

    /// <summary>Whether the product is negated.</summary>
    public bool Negative { get; set; }

    /// <summary>The factors multiplied.</summary>
    public List<Variable> Num { get; }

    /// <summary>The factors divided by.</summary>
    public List<Variable> Den { get; }

    /// <summary>The number of factors.</summary>
    public int Count => Num.Count + Den.Count;

    /// <summary><paramref name="v"/> as a product (a single factor when it is not one); null unless it is float.</summary>
    public static Product? Of(Variable v) => Of(v, null);

    /// <summary>
    /// <see cref="Of(Variable)"/>, but null, allocating nothing, when <paramref name="worthReading"/> says that the
    /// factors (multiplied, divided by; lists valid only during the call) cannot interest the rule: rules ask this of
    /// every multiplication of the graph, and most have nothing for them.
    /// </summary>
    public static Product? Of(Variable v, Func<List<Variable>, List<Variable>, bool>? worthReading)
    {
        if (!v.DType.IsFloat())
        {
            return null;
        }
        bool negative = Read(v);
        var (num, dens) = (t_num!, t_den!);
        var p = worthReading is null || worthReading(num, dens) ? new Product(negative, [.. num], [.. dens]) : null;
        num.Clear();
        dens.Clear();
        return p;
    }

    /// <summary>Whether <see cref="Of(Variable)"/> would find a divisor in <paramref name="v"/> (allocating nothing).</summary>
    public static bool HasDivisor(Variable v)
    {
        if (!v.DType.IsFloat())
        {
            return false;
        }
        Read(v);
        bool found = t_den!.Count > 0;
        t_num!.Clear();
        t_den!.Clear();
        return found;
    }

    /// <summary>Reads the factors of float <paramref name="v"/> into the per-thread lists; returns the sign.</summary>
    private static bool Read(Variable v)
    {
        // Every multiplication of a large graph is read (by several rules): the work lists are reused per thread, and
        // the factors land in lists of their final size.
        var pending = t_pending ??= new Stack<(Variable, bool)>(MaxFactors);
        var num = t_num ??= new List<Variable>(MaxFactors);
        var dens = t_den ??= new List<Variable>(MaxFactors);
        pending.Clear();
        num.Clear();
        dens.Clear();
        bool negative = false;
        // Depth-first, left to right, so that the factors keep the order in which they were written.
        pending.Push((v, false));
        while (pending.Count > 0)
        {
            var (x, den) = pending.Pop();
            var into = den ? dens : num;
            int room = MaxFactors - num.Count - dens.Count - pending.Count;
            if (x.DType != v.DType || x.Owner is not { Op: Elemwise e } node || room < 2)
            {
                into.Add(x);
                continue;
            }
            switch (e.Scalar.Name)
            {
                case "neg":
                    negative = !negative;
                    pending.Push((node.Inputs[0], den));
                    break;
                case "mul":
                    pending.Push((node.Inputs[1], den));
                    pending.Push((node.Inputs[0], den));
                    break;
                case "true_div":
                    pending.Push((node.Inputs[1], !den));
                    pending.Push((node.Inputs[0], den));
                    break;
                case "reciprocal":
                    pending.Push((node.Inputs[0], !den));
                    break;
                case "sqr":
                    pending.Push((node.Inputs[0], den));
                    pending.Push((node.Inputs[0], den));
                    break;
                case "pow" when SmallPower(node.Inputs[1]) is int n && n <= room:
                    for (int i = 0; i < n; i++)
                    {
                        pending.Push((node.Inputs[0], den));
                    }
                    break;
                default:
                    into.Add(x);
                    break;
            }
        }
        return negative;
    }

    [ThreadStatic] private static Stack<(Variable, bool)>? t_pending;
    [ThreadStatic] private static List<Variable>? t_num;
    [ThreadStatic] private static List<Variable>? t_den;

    /// <summary>A product of the one factor <paramref name="v"/>.</summary>
    public static Product Single(Variable v) => new(false, [v], []);

    /// <summary>Removes the factors that appear both multiplied and divided by; returns those removed (one of each pair).</summary>
    public List<Variable> Cancel()
    {
        var removed = new List<Variable>();
        for (int i = Num.Count - 1; i >= 0; i--)
        {
            int j = IndexOf(Den, Num[i]);
            if (j >= 0)
            {
                removed.Add(Num[i]);
                Den.RemoveAt(j);
                Num.RemoveAt(i);
            }
        }
        return removed;
    }

    /// <summary>The expression <c>± Π num / Π den</c> (1 for an empty product).</summary>
    public Variable Build()
    {
        var num = Multiply(Num) ?? T.Constant(1L);
        var result = Multiply(Den) is { } den ? T.TrueDiv(num, den) : num;
        return Negative ? Negate(result) : result;
    }

    /// <summary>
    /// <see cref="Build"/> as a replacement of <paramref name="old"/>: cast to its dtype, and, when the factors that
    /// were dropped gave it its static shape, broadcast like one of <paramref name="shapeDonors"/> (Aesara's fill).
    /// </summary>
    public Variable? BuildFor(Variable old, IEnumerable<Variable> shapeDonors)
    {
        var built = Build();
        if (Fit(built, old) is { } fit)
        {
            return fit;
        }
        foreach (var donor in shapeDonors)
        {
            if (donor.Ndim == old.Ndim && Fit(T.Second(donor, built), old) is { } filled)
            {
                return filled;
            }
        }
        return null;
    }

    /// <summary>The position of <paramref name="v"/> (by reference) in <paramref name="list"/>, or -1.</summary>
    public static int IndexOf(List<Variable> list, Variable v)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], v))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary><c>-x</c>, reading <c>-(-y)</c> as <c>y</c>.</summary>
    public static Variable Negate(Variable x) => ElemwiseOwner(x, "neg") is { } inner ? inner.Inputs[0] : T.Neg(x);

    /// <summary>True when <paramref name="a"/> is <c>-b</c> or <paramref name="b"/> is <c>-a</c>.</summary>
    public static bool AreNegations(Variable a, Variable b) =>
        (ElemwiseOwner(a, "neg") is { } na && ReferenceEquals(na.Inputs[0], b))
        || (ElemwiseOwner(b, "neg") is { } nb && ReferenceEquals(nb.Inputs[0], a));

    private static Variable? Multiply(List<Variable> factors)
    {
        Variable? result = null;
        foreach (var f in factors)
        {
            result = result is null ? f : T.Mul(result, f);
        }
        return result;
    }

    /// <summary>The exponent when <paramref name="exponent"/> is a constant 2, 3 or 4, else null.</summary>
    private static int? SmallPower(Variable exponent)
    {
        for (int n = 2; n <= 4; n++)
        {
            if (IsFilledWith(exponent, n))
            {
                return n;
            }
        }
        return null;
    }
}

/// <summary>
/// A float expression read as a signed sum of terms through the element-wise <c>add</c>, <c>sub</c> and <c>neg</c>
/// nodes above it (Aesara's <c>local_add_canonizer.get_num_denum</c>), each term read as a <see cref="Product"/>.
/// </summary>
internal sealed class SignedSum
{
    /// <summary>How many terms a sum is read into at most.</summary>
    public const int MaxTerms = 16;

    private SignedSum(List<Product> terms) => Terms = terms;

    /// <summary>The terms; a negative term carries its sign in <see cref="Product.Negative"/>.</summary>
    public List<Product> Terms { get; }

    /// <summary><paramref name="v"/> as a sum of at least two terms, or null when it is not a float sum.</summary>
    public static SignedSum? Of(Variable v)
    {
        if (!IsFloatSum(v))
        {
            return null;
        }
        var collect = new Collect { Terms = [] };
        Walk(v, ref collect);
        return new SignedSum(collect.Terms);
    }

    /// <summary>
    /// Whether some term of <see cref="Of"/>(<paramref name="v"/>) has a divisor, found by the same walk without
    /// building the terms.
    /// </summary>
    public static bool AnyTermHasDivisor(Variable v)
    {
        if (!IsFloatSum(v))
        {
            return false;
        }
        var find = new FindDivisor();
        Walk(v, ref find);
        return find.Found;
    }

    private static bool IsFloatSum(Variable v) =>
        v.DType.IsFloat() && v.Owner is { Op: Elemwise { Scalar.Name: "add" or "sub" } };

    /// <summary>What the walk does with each term; false stops it. (A struct, so the walk allocates nothing.)</summary>
    private interface ITermVisitor
    {
        bool Visit(Variable term, bool negative);
    }

    private struct Collect : ITermVisitor
    {
        public List<Product> Terms;

        public bool Visit(Variable term, bool negative)
        {
            var product = Product.Of(term) ?? Product.Single(term);
            product.Negative ^= negative;
            Terms.Add(product);
            return true;
        }
    }

    private struct FindDivisor : ITermVisitor
    {
        public bool Found;

        public bool Visit(Variable term, bool negative) => !(Found = Product.HasDivisor(term));
    }

    /// <summary>
    /// Visits the terms of the sum <paramref name="v"/> in order, reading through <c>add</c>, <c>sub</c> and
    /// <c>neg</c> of its dtype while there is room for <see cref="MaxTerms"/> terms.
    /// </summary>
    private static void Walk<TVisitor>(Variable v, ref TVisitor visitor) where TVisitor : struct, ITermVisitor
    {
        int terms = 0;
        var pending = t_pending ??= new Stack<(Variable, bool)>(MaxTerms);
        pending.Clear();
        pending.Push((v, false));
        while (pending.Count > 0)
        {
            var (x, negative) = pending.Pop();
            bool room = terms + pending.Count + 2 <= MaxTerms;
            var name = x.DType == v.DType && x.Owner is { Op: Elemwise e } ? e.Scalar.Name : null;
            if (room && name is "add" or "sub")
            {
                pending.Push((x.Owner!.Inputs[1], name == "sub" ? !negative : negative));
                pending.Push((x.Owner!.Inputs[0], negative));
            }
            else if (name == "neg")
            {
                pending.Push((x.Owner!.Inputs[0], !negative));
            }
            else
            {
                terms++;
                if (!visitor.Visit(x, negative))
                {
                    break;
                }
            }
        }
        pending.Clear();
    }

    // Reused per thread (see Product.Of); Product.Of, called inside the walk, has its own.
    [ThreadStatic] private static Stack<(Variable, bool)>? t_pending;

    /// <summary>The sum of the terms, each built by <see cref="Product.Build"/> after cancelling its common factors.</summary>
    public Variable Build()
    {
        Variable? result = null;
        foreach (var term in Terms)
        {
            term.Cancel();
            bool negative = term.Negative;
            term.Negative = false;
            var value = term.Build();
            result = result is null ? (negative ? Product.Negate(value) : value)
                : negative ? T.Sub(result, value) : T.Add(result, value);
        }
        return result!;
    }
}
