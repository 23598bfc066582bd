using System.Diagnostics;
using System.Text.Json;

namespace Gradient.Stress;

/// <summary>Checks a run of random graphs and prints the counts.</summary>
public static class RandomGraphRun
{
    /// <summary>Checks seeds <paramref name="seed"/> .. seed + count - 1; returns 0 when none failed.</summary>
    public static int Run(int count, int seed, int depth, string failures, bool verbose)
    {
        var watch = Stopwatch.StartNew();
        var counts = Enum.GetValues<GraphVerdict>().ToDictionary(v => v, _ => 0);
        var steps = new Dictionary<string, int>();
        var failed = new List<GraphReport>();
        for (int s = seed; s < seed + count; s++)
        {
            GraphReport report;
            try
            {
                report = GraphCheck.Check(s, depth, failures);
            }
            catch (Exception e)
            {
                report = new GraphReport(s, GraphVerdict.Fail, $"the checker failed: {e}", []);
            }
            counts[report.Verdict]++;
            foreach (var op in report.Ops)
            {
                steps[op] = steps.GetValueOrDefault(op) + 1;
            }
            if (report.Verdict == GraphVerdict.Fail)
            {
                failed.Add(report);
                Console.WriteLine($"FAIL seed {s}: {report.Detail}");
                Console.WriteLine($"     steps: {string.Join(" ", report.Ops)}");
            }
            else if (verbose)
            {
                Console.WriteLine($"{report.Verdict} seed {s}: {report.Ops.Count} steps {report.Detail} | {string.Join(" ", report.Ops)}");
            }
            if (s % 10 == 0)
            {
                GC.Collect();
            }
        }
        var result = new
        {
            graphs = count,
            passed = counts[GraphVerdict.Pass],
            failed = counts[GraphVerdict.Fail],
            kinks = counts[GraphVerdict.Kink],
            rejected = counts[GraphVerdict.Rejected],
            distinct_steps = steps.Count,
            seconds = Math.Round(watch.Elapsed.TotalSeconds, 1),
            failures = failed.Select(f => new { f.Seed, f.Detail, f.Reproducer }).ToArray(),
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        if (verbose)
        {
            foreach (var (op, n) in steps.OrderBy(p => p.Key))
            {
                Console.WriteLine($"  {op}: {n}");
            }
        }
        return failed.Count == 0 ? 0 : 1;
    }
}
