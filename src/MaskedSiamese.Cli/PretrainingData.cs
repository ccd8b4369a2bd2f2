using MaskedSiamese.Configuration;
using MaskedSiamese.Data;

namespace MaskedSiamese.Cli;

/// <summary>The pretraining images of a run configuration, for <c>msn pretrain</c> and <c>msn bench</c>.</summary>
internal static class PretrainingData
{
    /// <summary>
    /// Opens the config's data (unreadable images reported to stderr). Fewer images than one batch is a problem with
    /// the data or the batch size the user chose, so it is reported as such before the loader refuses it.
    /// </summary>
    public static IImageSource Open(MsnConfig config)
    {
        string location = config.DataLocation();
        var source = DatasetLocation.Parse(location).OpenPretraining(Console.Error);
        int batch = config.Criterion.BatchSize;
        if (source.Count < batch)
            throw new UserInputException($"data {location}: {source.Count} readable images are fewer than one batch of {batch} (criterion.batch_size)");
        return source;
    }
}
