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
    /// <summary><paramref name="choice"/> as this run applies it: for <c>auto</c>, the precision recorded in
    /// <paramref name="latestCheckpoint"/> when resuming, then rank 0's over <paramref name="collective"/>.</summary>
    public static PrecisionChoice Resolve(PrecisionChoice choice, string latestCheckpoint, bool resume,
        ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(collective);
        if (!choice.IsAuto) return choice;
        if (resume && Recorded(latestCheckpoint) is { } kept)
        {
            string why = $"{kept.ConfigName()} (auto: as recorded in the checkpoint resumed)";
            choice = choice with { Precision = kept, Reason = why };
        }
        return collective.WorldSize > 1 ? RankZeros(choice, collective) : choice;
    }

    /// <summary>The precision recorded in a checkpoint's training state, or null (none recorded, no such
    /// file).</summary>
    public static Precision? Recorded(string checkpoint) => Recorded(TrainingRecord.ReadFrom(checkpoint), checkpoint);

    /// <summary>The precision <paramref name="record"/> names (null when none), read from
    /// <paramref name="source"/>.</summary>
    public static Precision? Recorded(TrainingRecord? record, string source)
    {
        if (record?.Precision is not { } name) return null;
        foreach (var p in Enum.GetValues<Precision>())
            if (p.ConfigName() == name) return p;
        throw new CheckpointFormatException($"{source}: recorded precision '{name}' is none of fp32, bf16");
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
