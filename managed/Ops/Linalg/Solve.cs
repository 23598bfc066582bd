using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>Solve</c> (scipy's <c>solve</c>): x = A⁻¹ b for a square A and a vector or matrix b.
/// <see cref="AssumeA"/> 'gen' reads all of A; 'sym', 'her' and 'pos' read only the triangle <see cref="Lower"/>
/// names and use its symmetric completion B ('pos' through a Cholesky factorization, so a matrix that is not
/// positive definite is rejected).
/// </summary>
/// <remarks>
/// From B x = b: dx = B⁻¹ (db - dB x). Pullback (Giles): b̄ = B⁻ᵀ x̄ and B̄ = -b̄ xᵀ; for the symmetric kinds B̄ is
/// folded onto the triangle that was read (the other triangle gets zeros, as finite differences of the op see).
/// Pushforward: ẋ = B⁻¹ (ḃ - Ḃ x), with Ḃ the symmetric completion of the tangent's triangle for the symmetric kinds.
/// </remarks>
/// <param name="assumeA">'gen', 'sym', 'her' or 'pos'.</param>
/// <param name="lower">For the symmetric kinds, read the lower triangle (else the upper one); ignored for 'gen'.</param>
/// <param name="checkFinite">Reject infinities and NaNs before solving.</param>
public sealed class Solve(string assumeA = "gen", bool lower = false, bool checkFinite = true) : Op
{
    /// <summary>'gen', 'sym', 'her' or 'pos'.</summary>
    public string AssumeA { get; } = assumeA is "gen" or "sym" or "her" or "pos"
        ? assumeA
        : throw new ArgumentException($"Solve: {assumeA} is not a recognized matrix structure", nameof(assumeA));

    /// <summary>Which triangle the symmetric kinds read.</summary>
    public bool Lower { get; } = lower;

    /// <summary>Whether infinities and NaNs are rejected.</summary>
    public bool CheckFinite { get; } = checkFinite;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("assume_a", AssumeA), new("lower", Lower), new("check_finite", CheckFinite)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (a, b) = (inputs[0], inputs[1]);
        var n = LinalgChecks.SquareMatrix(this, a, "a");
        if (b.Ndim is < 1 or > 2)
        {
            throw new ArgumentException($"{this}: expected b to be a vector or a matrix; got {b.Type}", nameof(inputs));
        }
        LinalgChecks.FloatDType(this, b, "b");
        if (a.DType != b.DType)
        {
            throw new ArgumentException($"{this}: expected a and b of one dtype; got {a.Type} and {b.Type}",
                nameof(inputs));
        }
        if (n is long rows && b.Type.Shape[0] is long k && k != rows)
        {
            throw new ArgumentException(
                $"{this}: a is ({rows}, {rows}) but b has {k} rows ({b.Type}); expected {rows}", nameof(inputs));
        }
        var shape = b.Type.Shape.ToArray();
        shape[0] ??= n;
        return new Apply(this, [a, b], [new TensorType(b.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Solve(inputs[0], inputs[1], AssumeA, Lower, CheckFinite)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, x, gx) = (node.Inputs[0], node.Outputs[0], outputGradients[0]);
        Variable gb, gB;
        if (AssumeA == "gen")
        {
            // Bᵀ is solved with the same op; 'lower' is flipped only to mirror Aesara's props (it is ignored for 'gen').
            gb = new Solve(AssumeA, !Lower, CheckFinite).Call(T.Transpose(a), gx);
            return [-Outer(gb, x), gb];
        }
        gb = Call(a, gx); // B is symmetric: Bᵀ = B, read from the same triangle.
        gB = -Outer(gb, x);
        return [T.FoldToTriangle(gB, Lower), gb];
    }

    /// <summary>
    /// A batch of right-hand sides is solved as the columns of one matrix; a batch of matrices a has no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((a, aBatched), (b, _)) = (inputs[0], inputs[1]);
        if (aBatched)
        {
            return null;
        }
        if (b.Ndim == 2)
        {
            return [(T.Transpose(Call(a, T.Transpose(b))), true)];
        }
        var (n, rows, k) = (T.ShapeI(b, 0), T.ShapeI(b, 1), T.ShapeI(b, 2));
        var columns = T.Reshape(T.DimShuffle(b, [1, 0, 2]), T.MakeVector(rows, n * k));
        var x = T.Reshape(Call(a, columns), T.MakeVector(rows, n, k));
        return [(T.DimShuffle(x, [1, 0, 2]), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, x) = (node.Inputs[0], node.Outputs[0]);
        var (da, db) = (inputTangents[0], inputTangents[1]);
        if (da is null && db is null)
        {
            return [null];
        }
        Variable? change = null;
        if (da is not null)
        {
            var dB = AssumeA == "gen" ? da : T.SymmetrizeFrom(da, Lower);
            change = -T.Dot(dB, x);
        }
        return [Call(a, LinalgChecks.AddTangents(db, change)!)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() =>
        $"Solve{{assume_a='{AssumeA}', lower={Lower}, check_finite={CheckFinite}}}";

    /// <summary>u vᵀ for vectors, U Vᵀ for matrices.</summary>
    private static Variable Outer(Variable u, Variable v) => u.Ndim == 1
        ? T.Dot(T.DimShuffle(u, [0, -1]), T.DimShuffle(v, [-1, 0]))
        : T.Dot(u, T.Transpose(v));
}
