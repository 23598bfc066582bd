using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Interop;

/// <summary>The gradient API as Python calls it: Aesara's options as strings and parallel arrays.</summary>
public static partial class PyApi
{
    /// <summary>
    /// Aesara's <c>grad</c>. A disconnected wrt comes back as a <see cref="DisconnectedGradient"/> placeholder unless
    /// <paramref name="disconnectedInputs"/> is 'raise' (Python then warns and builds zeros or None as asked); an
    /// undefined gradient comes back as a <see cref="NullGradient"/> when <paramref name="returnNull"/>.
    /// </summary>
    public static Variable[] GradFull(Variable? cost, Variable[] wrt, Variable[] considerConstant, Variable[] knownKeys,
        Variable[] knownValues, string disconnectedInputs, bool addNames, bool returnNull)
    {
        if (knownKeys.Length != knownValues.Length)
        {
            throw new ArgumentException("grad: known_grads must pair each variable with one gradient");
        }
        return Autodiff.Grad(cost, wrt, new GradOptions
        {
            ConsiderConstant = considerConstant,
            KnownGrads = knownKeys.Zip(knownValues, (k, v) => new KeyValuePair<Variable, Variable>(k, v)).ToArray(),
            DisconnectedInputs = Policy(disconnectedInputs, "disconnected_inputs") == DisconnectedPolicy.Raise
                ? DisconnectedPolicy.Raise
                : DisconnectedPolicy.Ignore,
            ReturnDisconnected = ReturnDisconnected.Disconnected,
            AddNames = addNames,
            ReturnNullGradients = returnNull,
        });
    }

    /// <summary>Aesara's <c>Rop</c>; disconnected outputs come back as placeholders unless the policy is 'raise'.</summary>
    public static Variable[] RopFull(Variable[] f, Variable[] wrt, Variable[] evalPoints, string disconnectedOutputs) =>
        Autodiff.Rop(f, wrt, evalPoints,
            Policy(disconnectedOutputs, "disconnected_outputs") == DisconnectedPolicy.Raise
                ? DisconnectedPolicy.Raise
                : DisconnectedPolicy.Ignore,
            ReturnDisconnected.Disconnected);

    /// <summary>'null', 'disconnected' or '' for an ordinary variable.</summary>
    public static string PlaceholderKind(Variable v) => v switch
    {
        NullGradient => "null",
        DisconnectedGradient => "disconnected",
        _ => "",
    };

    /// <summary>Why a gradient is undefined ('' for other variables).</summary>
    public static string NullWhy(Variable v) => v is NullGradient n ? n.Why : "";

    /// <summary>An undefined gradient shaped like <paramref name="like"/> (for <c>grad_undefined</c> and friends).</summary>
    public static Variable MakeNullGradient(Variable like, string why) =>
        new NullGradient(like.DType.IsDiscrete() ? like.Type.WithDType(Config.FloatX) : like.Type, why);

    /// <summary>Zeros shaped like <paramref name="like"/> in a float dtype (Aesara's <c>_float_zeros_like</c>).</summary>
    public static Variable FloatZerosLike(Variable like) => T.ZerosLike(like);

    /// <summary>
    /// A gradient-control function by Aesara's name: zero_grad, disconnected_grad, consider_constant, undefined_grad,
    /// grad_clip (<paramref name="a"/>, <paramref name="b"/> the bounds), grad_scale (<paramref name="a"/> the factor).
    /// </summary>
    public static Variable GradientControl(string name, Variable x, double a, double b) => name switch
    {
        "zero_grad" => T.ZeroGrad(x),
        "disconnected_grad" => T.DisconnectedGrad(x),
        "consider_constant" => T.ConsiderConstant(x),
        "undefined_grad" => T.UndefinedGrad(x),
        "grad_clip" => T.GradClip(x, a, b),
        "grad_scale" => T.GradScale(x, a),
        _ => throw new ArgumentException($"gradient control: unknown function '{name}'", nameof(name)),
    };
}
