using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>One fine-tuning batch made on a loader thread (so in no dispose scope of the consumer, who owns
/// it).</summary>
public sealed class LabelledBatch : IDisposable
{
    internal LabelledBatch(Tensor images, Tensor labels, int epoch, int step)
    {
        Images = images;
        Labels = labels;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>Augmented, normalised images [B, 3, S, S], float32.</summary>
    public Tensor Images { get; }

    /// <summary>Class indices [B], int64.</summary>
    public Tensor Labels { get; }

    /// <summary>The epoch of the batch.</summary>
    public int Epoch { get; }

    /// <summary>The batch's position within its epoch.</summary>
    public int Step { get; }

    /// <summary>Rows in the batch.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
