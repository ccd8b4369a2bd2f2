using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Engine;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli;

/// <summary>Draws training progress on stderr: a bar with rate and ETA, redrawn in place on a terminal, or a line
/// every few percent when stderr is a file or pipe.</summary>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private const int Width = 28;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private int _lastPercentLogged = -1;

    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool last = value.Step >= value.TotalSteps;
        int percent = (int)(100 * value.Step / Math.Max(1, value.TotalSteps));
        if (_interactive)
        {
            if (!last && _sinceDraw.ElapsedMilliseconds < 250) return;
            _sinceDraw.Restart();
            Console.Error.Write("\r" + Line(value) + (last ? Environment.NewLine : ""));
        }
        else if (last || percent / 5 != _lastPercentLogged / 5)
        {
            _lastPercentLogged = percent;
            Console.Error.WriteLine(Line(value));
        }
    }

    private static string Line(TrainingProgress p)
    {
        double fraction = p.Step / (double)Math.Max(1, p.TotalSteps);
        int filled = (int)Math.Round(fraction * Width);
        var m = p.Last;
        string np = m["np"] is { } n ? string.Create(CultureInfo.InvariantCulture, $" np {n:F0}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {p.Step}/{p.TotalSteps} {fraction:P0} " +
            $"ep {p.Epoch + 1} | loss {m.Loss:F3}{np} | {p.ImagesPerSecond:F0} img/s | ETA " +
            $"{TrainingLoop.FormatDuration(p.Eta)}  ");
    }
}
