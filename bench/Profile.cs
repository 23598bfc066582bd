using System.Diagnostics;
using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Bench;

/// <summary>Time spent in the nodes of one op kind.</summary>
public sealed record ProfileRow(string Op, int Nodes, double Ms);

/// <summary>
/// Where a compiled function's call time goes: runs its schedule node by node outside the VM, timing each op's
/// kernel call. The sum against the VM's call time shows the VM's own share (argument checks, slots, scopes).
/// It runs no node in place, so a kernel the VM runs in place counts as the out-of-place one here.
/// </summary>
public static class Profiler
{
    /// <summary>
    /// Milliseconds per call in each op kind, largest first: each node's fastest of <paramref name="reps"/> runs (the
    /// steadiest estimate of a kernel's own cost when other work shares the cores).
    /// </summary>
    public static List<ProfileRow> Run(Function function, torch.Tensor[] args, int reps)
    {
        var nodes = function.Toposort();
        // Constants in the form each op prefers, prepared once, as the VM does at compile time.
        using var prepared = torch.NewDisposeScope();
        var constants = nodes.Select(node => node.Inputs.Select((v, k) => v is Constant c
            ? node.Op.PrepareConstant(node, k, c.Value) ?? c.Value
            : null).ToArray()).ToArray();
        var perRun = new List<double[]>();
        for (int rep = 0; rep <= reps; rep++)
        {
            var times = new double[nodes.Count];
            using (torch.NewDisposeScope())
            {
                var values = new Dictionary<Variable, torch.Tensor>();
                for (int i = 0; i < args.Length; i++)
                {
                    values[function.Inputs[i]] = args[i];
                }
                for (int n = 0; n < nodes.Count; n++)
                {
                    var node = nodes[n];
                    var ins = node.Inputs.Select((v, k) => values.TryGetValue(v, out var t) ? t : constants[n][k]!).ToArray();
                    var watch = Stopwatch.StartNew();
                    var outs = node.Op.Perform(node, ins);
                    times[n] = watch.Elapsed.TotalMilliseconds;
                    for (int o = 0; o < outs.Length; o++)
                    {
                        values[node.Outputs[o]] = outs[o];
                    }
                }
            }
            if (rep > 0 || reps == 0)
            {
                perRun.Add(times);
            }
        }
        return nodes.Select((node, n) => (Op: node.Op.ToString() ?? node.Op.ClassName, Ms: perRun.Min(r => r[n])))
            .GroupBy(t => t.Op)
            .Select(g => new ProfileRow(g.Key, g.Count(), g.Sum(t => t.Ms)))
            .OrderByDescending(r => r.Ms)
            .ToList();
    }
}
