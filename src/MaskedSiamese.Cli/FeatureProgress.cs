using System.Diagnostics;
using System.Globalization;

namespace MaskedSiamese.Cli;

/// <summary>Feature-extraction progress on stderr: redrawn in place on a terminal, a line per quarter
/// otherwise.</summary>
internal sealed class FeatureProgress : IProgress<(string Stage, int Done, int Total)>
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly Stopwatch _stage = Stopwatch.StartNew();
    private string _current = "";
    private int _lastQuarter = -1;
    private int _firstDone;

    public void Report((string Stage, int Done, int Total) value)
    {
        if (value.Stage != _current)
        {
            _current = value.Stage;
            _stage.Restart();
            _lastQuarter = -1;
            _firstDone = value.Done;   // the first report comes one batch in: measure the rate from there
        }
        bool last = value.Done >= value.Total;
        double seconds = _stage.Elapsed.TotalSeconds;
        string rate = seconds > 0.5
            ? string.Create(CultureInfo.InvariantCulture, $", {(value.Done - _firstDone) / seconds:F0} img/s")
            : "";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"features {value.Stage}: {value.Done}/{value.Total} images{rate}");
        if (_interactive)
        {
            if (!last && _sinceDraw.ElapsedMilliseconds < 250) return;
            _sinceDraw.Restart();
            Console.Error.Write("\r" + line + (last ? Environment.NewLine : ""));
        }
        else
        {
            int quarter = 4 * value.Done / Math.Max(1, value.Total);
            if (!last && quarter == _lastQuarter) return;
            _lastQuarter = quarter;
            Console.Error.WriteLine(line);
        }
    }
}
