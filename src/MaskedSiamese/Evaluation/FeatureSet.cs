using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// One representation's train and test <see cref="FeatureTable"/>s (an MSN encoder, raw pixels, a random encoder…),
/// rows aligned with the other representations of the same evaluation so results come with their baselines.
/// Owns both tables.
/// </summary>
/// <param name="Name">Name in tables, JSON and charts (<c>msn</c>, <c>pixels</c>, <c>random-init</c>).</param>
/// <param name="Train">Training features; row r has label <c>Train.Labels[r]</c>.</param>
/// <param name="Test">Test features.</param>
/// <param name="Seconds">Time spent extracting (or reading from the cache).</param>
/// <param name="FromCache">Whether both came from the cache.</param>
public sealed record FeatureSet(string Name, FeatureTable Train, FeatureTable Test, double Seconds = 0,
    bool FromCache = false) : IDisposable
{
    /// <summary>A set of precomputed features [N, D] and [M, D] with their labels (takes ownership of the
    /// tensors).</summary>
    public static FeatureSet Of(string name, Tensor train, IReadOnlyList<int> trainLabels, Tensor test,
        IReadOnlyList<int> testLabels) =>
        new(name, FeatureTable.Of(train, trainLabels), FeatureTable.Of(test, testLabels));

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
