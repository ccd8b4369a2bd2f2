using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Engine;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>
/// The precision a pretraining run uses once it knows its folder and its processes. A named precision is used as
/// named. <c>auto</c> is decided once per run: a resumed run keeps the precision its checkpoint records (a host of
/// another kind, or a changed rule, does not switch a run half-way), and several processes take rank 0's choice.
/// </summary>
public static class RunPrecision
{
    /// <summary>The key of a checkpoint's training state that records the precision it was trained in.</summary>
    public const string CheckpointKey = "precision";

    /// <summary><paramref name="settings"/> with the precision of this run: for <c>auto</c>, the one recorded in the
    /// latest checkpoint of <paramref name="runFolder"/> when resuming, then rank 0's over
    /// <paramref name="collective"/>.</summary>
    public static TrainerSettings Resolve(TrainerSettings settings, string runFolder, bool resume,
        ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(collective);
        var choice = settings.PrecisionChoice;
        if (!choice.IsAuto) return settings;
        string latest = new CheckpointStore(runFolder, settings.Tag, settings.KeepCheckpoints).LatestPath;
        if (resume && Recorded(latest) is { } kept)
        {
            string why = $"{kept.ConfigName()} (auto: as recorded in the checkpoint resumed)";
            choice = choice with { Precision = kept, Reason = why };
        }
        if (collective.WorldSize > 1) choice = RankZeros(choice, collective);
        return settings with { PrecisionChoice = choice };
    }

    /// <summary>The precision recorded in a checkpoint's training state, or null (none recorded, no such
    /// file).</summary>
    public static Precision? Recorded(string checkpoint)
    {
        if (!File.Exists(checkpoint)) return null;
        var (_, metadata) = SafetensorsFile.ReadHeader(checkpoint);
        if (!metadata.TryGetValue("training", out var text)) return null;
        string? name;
        try { name = JsonNode.Parse(text)?[CheckpointKey]?.GetValue<string>(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException($"{checkpoint}: its training state is not valid JSON ({e.Message})");
        }
        if (name is null) return null;
        foreach (var p in Enum.GetValues<Precision>())
            if (p.ConfigName() == name) return p;
        throw new CheckpointFormatException($"{checkpoint}: recorded precision '{name}' is none of fp32, bf16");
    }

    private static PrecisionChoice RankZeros(PrecisionChoice mine, ICollective collective)
    {
        using var value = tensor(new[] { (long)mine.Precision });
        collective.Broadcast(value, 0);
        var chosen = (Precision)value.item<long>();
        if (chosen == mine.Precision) return mine;
        string why = $"{chosen.ConfigName()} (auto: rank 0's choice; this process's rule gave {mine.Reason})";
        return mine with { Precision = chosen, Reason = why };
    }
}
