using System.Globalization;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Cli;

/// <summary>Prints what a checkpoint holds, for <c>msn info</c> and <c>msn import</c>.</summary>
internal static class CheckpointSummary
{
    public static void Print(MsnCheckpoint checkpoint, TextWriter w)
    {
        var a = checkpoint.Architecture;
        var v = a.Vit;
        var (trunk, head, protos) = a.ParameterCounts();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  encoder      ViT: image {v.ImageSize} px, patch {v.PatchSize}, dim {v.EmbedDim}, depth {v.Depth}, " +
            $"heads {v.NumHeads}, mlp ×{v.MlpRatio:0.##}, {v.NumPatches} patches"));
        if (a.Head is { } h)
            w.WriteLine($"  head         fc {v.EmbedDim} → {h.HiddenDim} → {h.HiddenDim} → {h.OutputDim} " +
                $"(BatchNorm, GELU)");
        if (a.NumPrototypes is { } k) w.WriteLine($"  prototypes   {k} × {a.Head?.OutputDim}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  parameters   trunk {trunk / 1e6:0.###}M, head {head / 1e6:0.###}M, prototypes {protos / 1e6:0.###}M"));
        w.WriteLine($"  holds        {string.Join(", ", checkpoint.Parts)}");
        if (checkpoint.Training?["step"] is { } step) w.WriteLine($"  step         {step}");
    }
}
