namespace MaskedSiamese.Masking;

/// <summary>Whether one random mask serves the whole batch or each sample draws its own.</summary>
public enum MaskSharing
{
    /// <summary>One permutation per forward call, shared by every image of the batch (the official code).</summary>
    SharedPerBatch,

    /// <summary>An independent mask per sample (lightly's and timm's choice).</summary>
    PerSample,
}
