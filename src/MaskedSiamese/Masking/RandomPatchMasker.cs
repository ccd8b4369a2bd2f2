using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Masking;

/// <summary>
/// Random token dropping as keep-indices over the token sequence ([CLS] = 0, patches 1..N). The [CLS] token is always
/// kept first; ⌊N·(1 − drop)⌋ patches follow in random order (not sorted), exactly as the official draw
/// <c>[0] + (1 + randperm(N)[:keep])</c>.
/// </summary>
public static class RandomPatchMasker
{
    /// <summary>How many patch tokens survive a drop ratio of <paramref name="patchDrop"/> out of
    /// <paramref name="numPatches"/>.</summary>
    public static int KeptPatches(int numPatches, double patchDrop) =>
        (int)Math.Floor(numPatches * (1 - patchDrop));

    /// <summary>
    /// Draws keep-indices: shape [1 + keep] for <see cref="MaskSharing.SharedPerBatch"/>, [batch, 1 + keep] for
    /// <see cref="MaskSharing.PerSample"/>; int64 on <paramref name="device"/>.
    /// </summary>
    public static Tensor Draw(int numPatches, double patchDrop, MaskSharing sharing, long batch = 1,
        Generator? generator = null, Device? device = null)
    {
        if (patchDrop is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(patchDrop), patchDrop, "must be in [0, 1)");
        int keep = KeptPatches(numPatches, patchDrop);
        using var scope = NewDisposeScope();
        using var afterCls = 1.ToScalar();   // patch i is token i + 1
        Tensor patches;
        Tensor cls;
        if (sharing == MaskSharing.SharedPerBatch)
        {
            // Drawn on the CPU generator like the official torch.randperm, then moved.
            patches = torch.randperm(numPatches, generator: generator)[..keep].add(afterCls, KeptScalars.One);
            cls = torch.zeros(1, ScalarType.Int64);
            return torch.cat([cls, patches]).to(device ?? CPU).MoveToOuterDisposeScope();
        }
        patches = torch.rand(batch, numPatches, generator: generator).argsort(dim: 1)[.., ..keep]
            .add(afterCls, KeptScalars.One);
        cls = torch.zeros(batch, 1, ScalarType.Int64);
        return torch.cat([cls, patches], dim: 1).to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keeps the tokens named by <paramref name="keepIndex"/> ([K] shared or [B, K] per sample) of
    /// <paramref name="tokens"/> [B, 1 + N, D], in the order given.
    /// </summary>
    public static Tensor Apply(Tensor tokens, Tensor keepIndex)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(keepIndex);
        if (keepIndex.dim() == 1) return tokens.index_select(1, keepIndex);
        using var idx = keepIndex.unsqueeze(-1).expand(-1, -1, tokens.shape[2]);
        return tokens.gather(1, idx);
    }
}
