using System.Diagnostics;

namespace Gradient.Compile;

/// <summary>
/// One phase of a compile (Aesara's <c>ProfileStats</c> splits a compile the same way): the clone of the graph, each
/// rewrite by its name, then the schedule (order, slots, constants, in-place plan). Recorded on every compile.
/// </summary>
/// <param name="Name"><c>clone</c>, a rewrite's <see cref="Rewrites.IGraphRewrite.Name"/>, or <c>schedule</c>.</param>
/// <param name="Milliseconds">Wall time of the phase.</param>
/// <param name="GcPauseMilliseconds">
/// The garbage collector's pauses during the phase (any thread's allocations can cause them).
/// </param>
public sealed record CompilePhase(string Name, double Milliseconds, double GcPauseMilliseconds);

/// <summary>Marks the end of each phase of a compile: a timestamp and the process's GC pause total.</summary>
internal sealed class PhaseClock
{
    private readonly List<CompilePhase> _phases = [];
    private long _start = Stopwatch.GetTimestamp();
    private TimeSpan _paused = GC.GetTotalPauseDuration();

    public IReadOnlyList<CompilePhase> Phases => _phases;

    /// <summary>Ends the phase called <paramref name="name"/> and starts the next.</summary>
    public void End(string name)
    {
        long now = Stopwatch.GetTimestamp();
        var paused = GC.GetTotalPauseDuration();
        _phases.Add(new CompilePhase(name, Stopwatch.GetElapsedTime(_start, now).TotalMilliseconds,
            (paused - _paused).TotalMilliseconds));
        _start = now;
        _paused = paused;
    }
}
