using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>What the processes settle before the first step: that they run the same configuration, and that they
/// start from the same weights (rank 0's). One process has nothing to do.</summary>
public static class CollectiveStart
{
    /// <summary>Refuses to start when <paramref name="text"/> (e.g. the resolved configuration) differs between ranks;
    /// every rank throws the same message, so none is left waiting in a later collective.</summary>
    /// <exception cref="CollectiveException">Some rank's text differs from rank 0's.</exception>
    public static void RequireSameOnAllRanks(ICollective collective, string text, string what)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(text);
        if (collective.WorldSize == 1) return;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        long mine = BitConverter.ToInt64(hash, 0);
        using var rank0 = torch.tensor(new[] { mine });
        collective.Broadcast(rank0, 0);
        // Each rank flags its own difference; the sum tells every rank how many differ.
        using var differs = torch.tensor(new[] { rank0.item<long>() == mine ? 0L : 1L << collective.Rank });
        collective.AllReduceSum(differs);
        long mask = differs.item<long>();
        if (mask == 0) return;
        var ranks = Enumerable.Range(0, Math.Min(63, collective.WorldSize)).Where(r => (mask >> r & 1) == 1);
        throw new CollectiveException(
            $"The {what} differs between processes: rank(s) {string.Join(", ", ranks)} differ from rank 0; " +
            "start every rank with the same command and files", onEveryRank: true);
    }

    /// <summary>Replaces every parameter and buffer of <paramref name="modules"/> on every rank by rank 0's.</summary>
    public static void BroadcastFromRankZero(ICollective collective, params nn.Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(modules);
        if (collective.WorldSize == 1) return;
        using var noGrad = no_grad();
        foreach (var module in modules)
        {
            foreach (var (_, p) in module.named_parameters()) collective.Broadcast(p, 0);
            foreach (var (_, b) in module.named_buffers()) collective.Broadcast(b, 0);
        }
    }

    /// <summary>
    /// The content of rank 0's file at <paramref name="path"/>, on every rank: rank 0 reads it and sends it to the
    /// others, so the file need exist only where rank 0 runs (a checkpoint on the first machine of several that share
    /// no folder). Errors reading it are rank 0's, which then ends the job.
    /// </summary>
    public static byte[] FileFromRankZero(ICollective collective, string path)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(path);
        if (collective.WorldSize == 1) return File.ReadAllBytes(path);
        byte[]? content = collective.Rank == 0 ? File.ReadAllBytes(path) : null;
        using var length = torch.tensor(new[] { (long?)content?.Length ?? 0L });
        collective.Broadcast(length, 0);
        long bytes = length.item<long>();
        // The collectives carry 64-bit integers: the bytes travel as whole words, padded at the end.
        using var words = torch.zeros((bytes + sizeof(long) - 1) / sizeof(long), ScalarType.Int64);
        if (content is not null && bytes > 0)
        {
            var padded = new byte[words.numel() * sizeof(long)];
            content.CopyTo(padded, 0);
            words.bytes = padded;
        }
        collective.Broadcast(words, 0);
        return content ?? words.bytes[..(int)bytes].ToArray();
    }

    /// <summary>Replaces each tensor of <paramref name="tensors"/> on every rank by rank 0's.</summary>
    public static void BroadcastFromRankZero(ICollective collective, IEnumerable<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(tensors);
        if (collective.WorldSize == 1) return;
        using var noGrad = no_grad();
        foreach (var t in tensors) collective.Broadcast(t, 0);
    }
}
