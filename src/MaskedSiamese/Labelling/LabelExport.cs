namespace MaskedSiamese.Labelling;

/// <summary>What an export of a labelling project wrote.</summary>
/// <param name="LabelsCsv">The labels, <c>path,label</c> (paths relative to the image folder, as <c>msn select
/// --labelled</c> reads them).</param>
/// <param name="ClassFolders">A folder with one subfolder per class holding links to (or copies of) its images, as
/// <c>msn fit</c> reads them.</param>
/// <param name="Classifier">The classifier file (as <c>msn fit</c> writes it), or null when fewer than two classes
/// have labels.</param>
/// <param name="Labelled">Images with a class.</param>
/// <param name="ClassesLeftOut">Classes without a label, left out of the classifier.</param>
/// <param name="CrossValidatedAccuracy">The classifier's cross-validated accuracy, when it could be measured.</param>
public sealed record LabelExport(string LabelsCsv, string ClassFolders, string? Classifier, int Labelled,
    IReadOnlyList<string> ClassesLeftOut, double? CrossValidatedAccuracy);
