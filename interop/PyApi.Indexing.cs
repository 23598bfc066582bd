using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Interop;

/// <summary>Advanced indexing for <c>TensorVariable.__getitem__</c> and <c>sharpgrad.tensor.subtensor</c>.</summary>
public static partial class PyApi
{
    /// <summary>
    /// numpy indexing with index arrays: <paramref name="entries"/> holds numpy notation (<c>"2"</c>, <c>"1:5:-1"</c>),
    /// <c>"None"</c>, <c>"..."</c>, and <c>"*"</c> where the next of <paramref name="arrays"/> (integer arrays or
    /// boolean masks) goes.
    /// </summary>
    public static Variable AdvancedIndex(Variable x, string[] entries, Variable[] arrays)
    {
        int next = 0;
        var index = entries.Select(e => e switch
        {
            "*" => next < arrays.Length
                ? arrays[next++]
                : throw new ArgumentException($"index: more '*' entries than the {arrays.Length} arrays given"),
            "None" => null,
            _ => (object?)e,
        }).ToArray();
        if (next != arrays.Length)
        {
            throw new ArgumentException($"index: {arrays.Length} arrays given for {next} '*' entries");
        }
        return T.Index(x, index);
    }

    /// <summary>Aesara's <c>set_subtensor(x[...], y)</c> (<paramref name="set"/>) or <c>inc_subtensor</c>, for any index.</summary>
    public static Variable WriteIndexed(Variable indexed, Variable y, bool set) =>
        set ? T.SetIndexed(indexed, y) : T.IncIndexed(indexed, y);

    /// <summary>Aesara's <c>advanced_subtensor1(x, indices)</c>.</summary>
    public static Variable AdvancedSubtensor1(Variable x, Variable indices) => T.AdvancedSubtensor1(x, indices);

    /// <summary>Aesara's <c>advanced_inc_subtensor1</c> / <c>advanced_set_subtensor1</c>.</summary>
    public static Variable AdvancedIncSubtensor1(Variable x, Variable y, Variable indices, bool set) =>
        set ? T.AdvancedSetSubtensor1(x, y, indices) : T.AdvancedIncSubtensor1(x, y, indices);

    /// <summary>Aesara's <c>take(a, indices, axis, mode)</c>.</summary>
    public static Variable Take(Variable a, Variable indices, int? axis, string mode) => T.Take(a, indices, axis, mode);

    /// <summary>Aesara's <c>permute_row_elements(x, y, inverse)</c>.</summary>
    public static Variable PermuteRowElements(Variable x, Variable y, bool inverse) => T.PermuteRowElements(x, y, inverse);

    /// <summary>Aesara's <c>inverse_permutation(perm)</c>.</summary>
    public static Variable InversePermutation(Variable perm) => T.InversePermutation(perm);
}
