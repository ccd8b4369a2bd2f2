using System.Diagnostics;

namespace MaskedSiamese.Engine;

/// <summary>Accumulates wall time per phase of training steps (anchor forward, target forward, loss, backward,
/// clipping, AdamW, EMA), for <c>msn bench train</c>'s breakdown. Not thread-safe; one per training loop.</summary>
public sealed class StepProfile
{
    private readonly Dictionary<string, double> _milliseconds = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();
    private string? _phase;

    /// <summary>Milliseconds per phase, summed over <see cref="Steps"/> steps, in first-seen order.</summary>
    public IReadOnlyDictionary<string, double> Milliseconds => _milliseconds;

    /// <summary>Steps recorded.</summary>
    public int Steps { get; private set; }

    /// <summary>Ends the running phase (if any) and starts <paramref name="phase"/>.</summary>
    public void Begin(string phase)
    {
        End();
        _phase = phase;
        _clock.Restart();
    }

    /// <summary>Ends the running phase.</summary>
    public void End()
    {
        if (_phase is null) return;
        _milliseconds[_phase] = _milliseconds.GetValueOrDefault(_phase) + _clock.Elapsed.TotalMilliseconds;
        _phase = null;
    }

    /// <summary>Marks the end of a step.</summary>
    public void StepDone()
    {
        End();
        Steps++;
    }

    /// <summary>Forgets everything recorded (e.g. after warm-up steps).</summary>
    public void Reset()
    {
        _milliseconds.Clear();
        _phase = null;
        Steps = 0;
    }
}
