using Gradient.Graph;
using Gradient.Serialization;

namespace Gradient.Interop;

/// <summary>Graph serialization for <c>sharpgrad.graph.serialize</c>.</summary>
public static partial class PyApi
{
    /// <summary>The graph from <paramref name="inputs"/> to <paramref name="outputs"/> as a graph JSON document.</summary>
    public static string ToJson(Variable[] inputs, Variable[] outputs) => GraphJson.Write(inputs, outputs);

    /// <summary>Reads a graph JSON document; Python unpacks <see cref="LoadedGraph.Inputs"/> and <see cref="LoadedGraph.Outputs"/>.</summary>
    public static LoadedGraph FromJson(string json) => GraphJson.Read(json);
}
