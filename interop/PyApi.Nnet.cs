using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Neural-network functions for <c>sharpgrad.tensor.nnet</c>.</summary>
public static partial class PyApi
{
    /// <summary>relu with a numeric slope.</summary>
    public static Variable Relu(Variable x, double alpha) => T.Relu(x, alpha);

    /// <summary>relu with a symbolic slope.</summary>
    public static Variable Relu(Variable x, Variable alpha) => T.Relu(x, alpha);

    /// <summary>
    /// A cross-entropy by its Aesara name: categorical_crossentropy, binary_crossentropy or
    /// sigmoid_binary_crossentropy.
    /// </summary>
    public static Variable Crossentropy(string op, Variable a, Variable b) => op switch
    {
        "categorical_crossentropy" => T.CategoricalCrossentropy(a, b),
        "binary_crossentropy" => T.BinaryCrossentropy(a, b),
        "sigmoid_binary_crossentropy" => T.SigmoidBinaryCrossentropy(a, b),
        _ => throw new ArgumentException(
            $"crossentropy: expected categorical_crossentropy, binary_crossentropy or sigmoid_binary_crossentropy; got '{op}'",
            nameof(op)),
    };
}
