using MaskedSiamese.Data;
using MaskedSiamese.Labelling;

namespace MaskedSiamese.Cli.Labelling;

/// <summary>
/// What the label page sees while the server runs: the project, then the indexed images, then (once the features
/// are ready) the session. Features are computed on a background thread so that the page opens at once and shows
/// their progress.
/// </summary>
internal sealed class LabelServerState(LabellingProject project, ImageFolderSource images)
    : IProgress<(int Done, int Total)>, IDisposable
{
    private volatile LabellingSession? _session;
    private volatile string? _error;
    private (int Done, int Total) _progress = (0, images.Count);
    private Thread? _worker;

    public LabellingProject Project { get; } = project;

    public ImageFolderSource Images { get; } = images;

    /// <summary>The session, or null while the features are computed (or when that failed).</summary>
    public LabellingSession? Session => _session;

    /// <summary>Why preparing the features failed, or null.</summary>
    public string? Error => _error;

    public (int Done, int Total) Progress => _progress;

    public string Phase => _session is not null ? "ready" : _error is not null ? "failed" : "features";

    /// <summary>The path of the image <paramref name="item"/> of the session.</summary>
    public string PathOf(int item) => Path.Combine(Project.Settings.Images, _session!.Items[item]);

    /// <summary>Computes (or reads the cached) features and opens the session, on a thread of its own.</summary>
    public void StartPreparing(CancellationToken cancellation)
    {
        _worker = new Thread(() =>
        {
            try
            {
                using var features = Project.Features(Images, this, cancellation);
                _session = Project.StartSession(Images, features);
                _session.NextToLabel(1);   // the first suggestions are ready when the page says "ready"
            }
#pragma warning disable CA1031 // the page reports any failure; the server stays up so that the message is seen
            catch (Exception e)
#pragma warning restore CA1031
            {
                _error = e.Message;
            }
        })
        { IsBackground = true, Name = "msn label features" };
        _worker.Start();
    }

    /// <summary>Waits until the features are ready or failed (tests and the CLI's exit path).</summary>
    public void WaitPrepared() => _worker?.Join();

    public void Report((int Done, int Total) value) => _progress = value;

    public void Dispose()
    {
        _session?.Dispose();
        Project.Dispose();
    }
}
