namespace MaskedSiamese.Features;

/// <summary>One representation's train and test features, rows aligned with the other representations of the same
/// evaluation. Owns both.</summary>
/// <param name="Name">Name in tables and JSON (<c>msn</c>, <c>pixels</c>, <c>random-init</c>).</param>
/// <param name="Train">Training features.</param>
/// <param name="Test">Test features.</param>
/// <param name="Seconds">Time spent extracting (or reading from the cache).</param>
/// <param name="FromCache">Whether both came from the cache.</param>
public sealed record LabelledFeatures(string Name, ExtractedFeatures Train, ExtractedFeatures Test, double Seconds,
    bool FromCache) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
