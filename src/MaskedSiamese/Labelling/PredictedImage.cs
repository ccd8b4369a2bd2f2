namespace MaskedSiamese.Labelling;

/// <summary>An unlabelled image with the current classifier's most likely class and its probability.</summary>
/// <param name="Item">The image's index in the session.</param>
/// <param name="Class">The predicted class index.</param>
/// <param name="Confidence">Its probability, in [0, 1].</param>
public sealed record PredictedImage(int Item, int Class, double Confidence);
