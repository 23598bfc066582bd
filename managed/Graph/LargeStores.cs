namespace Gradient.Graph;

/// <summary>
/// Growth of the engine's temporary stores of nodes and variables. On a large graph such a store is a large-object
/// array, which only a full collection frees: dropped full when it is outgrown (as <see cref="List{T}"/> and
/// <see cref="Array.Resize{T}(ref T[], int)"/> drop it), it would keep every node it names alive through the cheap
/// collections, which then copy them into the old generation. These copy into a store twice the size and empty the
/// outgrown one.
/// </summary>
internal static class LargeStores
{
    /// <summary>Doubles <paramref name="array"/>'s length, emptying the outgrown array.</summary>
    public static void Grow<T>(ref T[] array)
    {
        var larger = new T[Math.Max(16, 2 * array.Length)];
        Array.Copy(array, larger, array.Length);
        Array.Clear(array);
        array = larger;
    }

    /// <summary>Appends <paramref name="item"/>; a full list is first copied into one of twice the capacity and emptied.</summary>
    public static void Add<T>(ref List<T> list, T item)
    {
        if (list.Count == list.Capacity)
        {
            var larger = new List<T>(Math.Max(16, 2 * list.Capacity));
            larger.AddRange(list);
            list.Clear();
            list = larger;
        }
        list.Add(item);
    }
}
