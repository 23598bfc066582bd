namespace Gradient.Graph;

public partial class Variable
{
    /// <summary>Advanced indexing by an integer index array or boolean mask, e.g. <c>x[idx]</c> (see <see cref="T.Index(Variable, object?[])"/>).</summary>
    public Variable this[Variable index] => T.Index(this, index);

    /// <summary>
    /// numpy indexing mixing strings in numpy notation, integers, null (new axes), index arrays and masks, e.g.
    /// <c>x[":", idx]</c> or <c>x[idx, null, "1:"]</c> (see <see cref="T.Index(Variable, object?[])"/>).
    /// </summary>
    public Variable this[params object?[] index] => T.Index(this, index);
}
