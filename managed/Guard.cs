using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Gradient;

/// <summary>
/// Argument checks whose messages say which function refused which argument and what it expected
/// (<c>Sum: x is null; expected a Variable</c>), where .NET's own would say only "Value cannot be null".
/// </summary>
internal static class Guard
{
    /// <summary>Throws <see cref="ArgumentNullException"/> when <paramref name="value"/> is null.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="who">The function or op to name; the calling member when null.</param>
    /// <param name="what">The argument's name (filled in by the compiler).</param>
    /// <param name="member">The calling member (filled in by the compiler).</param>
    public static void NotNull<T>([NotNull] T? value, string? who = null,
        [CallerArgumentExpression(nameof(value))] string? what = null, [CallerMemberName] string? member = null)
        where T : class
    {
        if (value is null)
        {
            throw new ArgumentNullException(what, $"{who ?? member}: {what} is null; expected {Describe(typeof(T))}");
        }
    }

    /// <summary>Throws when <paramref name="items"/> or one of its items is null.</summary>
    public static void NoNulls<T>([NotNull] IReadOnlyList<T?>? items, string? who = null,
        [CallerArgumentExpression(nameof(items))] string? what = null, [CallerMemberName] string? member = null)
        where T : class
    {
        NotNull(items, who ?? member, what);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new ArgumentNullException(what,
                    $"{who ?? member}: {what}[{i}] is null; expected {Describe(typeof(T))}");
            }
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a named member of its enum (e.g. <c>(DType)99</c>).</summary>
    public static void Defined<TEnum>(TEnum value, string? who = null,
        [CallerArgumentExpression(nameof(value))] string? what = null, [CallerMemberName] string? member = null)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(what,
                $"{who ?? member}: {what} = {value} is not a {typeof(TEnum).Name}; expected one of " +
                string.Join(", ", Enum.GetNames<TEnum>()));
        }
    }

    private static string Describe(Type type)
    {
        if (type.IsArray || (type.IsGenericType && type.GetInterfaces().Any(i => i == typeof(System.Collections.IEnumerable))))
        {
            var item = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[^1];
            return $"a list of {item.Name}";
        }
        return (type.Name[0] is 'A' or 'E' or 'I' or 'O' or 'U' ? "an " : "a ") + type.Name;
    }
}
