namespace MaskedSiamese.Configuration;

/// <summary>
/// The <c>logging</c> section: the run folder, the file-name tag, and (our keys) how often to log and checkpoint.
/// </summary>
public sealed record LoggingOptions
{
    /// <summary><c>folder</c>: the run folder for logs, the resolved config and checkpoints
    /// (default <c>/checkpoint/msn_os_logs/</c>).</summary>
    [YamlKey("folder")]
    public string Folder { get; init; } = "/checkpoint/msn_os_logs/";

    /// <summary><c>write_tag</c>: stem of the run's log and checkpoint names (<c>{tag}.csv</c>,
    /// <c>checkpoints/{tag}-latest.safetensors</c>, <c>{tag}-epNNN</c>)
    /// (default <c>msn-experiment-1</c>). Not empty, no path separators.</summary>
    [YamlKey("write_tag")]
    public string WriteTag { get; init; } = "msn-experiment-1";

    /// <summary><c>checkpoint_every</c> (ours): write a step checkpoint every this many optimizer steps; 0 writes only
    /// at the end of each epoch (default 500; the official code uses 2500 at batch 1024).</summary>
    [YamlKey("checkpoint_every")]
    public int CheckpointEvery { get; init; } = 500;

    /// <summary><c>log_every</c> (ours): log loss, lr and health metrics every this many steps, ≥ 1 (default
    /// 10).</summary>
    [YamlKey("log_every")]
    public int LogEvery { get; init; } = 10;

    /// <summary><c>tensorboard</c> (ours): also write TensorBoard event files to the run folder (default
    /// true).</summary>
    [YamlKey("tensorboard")]
    public bool Tensorboard { get; init; } = true;

    /// <summary><c>keep_checkpoints</c> (ours): how many epoch checkpoints (<c>{tag}-epNNN</c>) to keep, oldest deleted
    /// first (default 2); <c>latest</c>, rewritten every <c>checkpoint_every</c> steps, always stays.</summary>
    [YamlKey("keep_checkpoints")]
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary><c>monitor_every</c> (ours): every this many steps (rounded up to a multiple of <c>log_every</c>)
    /// and at every epoch end, the k-NN accuracy (k 20, cosine, DINO's weighted votes) of the target encoder on a
    /// fixed labelled monitor set and the RankMe of its embeddings go into the log as <c>knn</c> and <c>rankme</c>; 0
    /// (the default) measures ten times per run, −1 never. The monitor set exists for Fashion-MNIST (2,000 training
    /// images as the memory bank, 1,000 test images as queries); other data is not monitored.</summary>
    [YamlKey("monitor_every")]
    public int MonitorEvery { get; init; }

    /// <summary><c>monitor_data</c> (ours): the labelled images of the monitor (<c>monitor_every</c>): empty (the
    /// default) for Fashion-MNIST's monitor set when the run trains on Fashion-MNIST (other data is then not
    /// monitored); <c>fashion-mnist</c>; or a folder with class subfolders, whose <c>train/</c> and <c>val/</c> give
    /// the bank and the queries when it has them (else every fifth image is a query), at most 2,000 and 1,000 of
    /// them.</summary>
    [YamlKey("monitor_data")]
    public string MonitorData { get; init; } = "";
}
