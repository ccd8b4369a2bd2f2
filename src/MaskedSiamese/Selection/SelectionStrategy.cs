namespace MaskedSiamese.Selection;

/// <summary>How <see cref="LabelSelection"/> chooses the images to label.</summary>
public enum SelectionStrategy
{
    /// <summary>TypiClust-style (Hacohen et al., ICML 2022): k-means into (labelled + budget) clusters, then, from the
    /// clusters with the fewest labels (the largest first), each one's most typical unlabelled image (typicality:
    /// 1 / mean distance to its nearest neighbours in the cluster). The default.</summary>
    Typicality,

    /// <summary>Uniformly at random among the unlabelled images (what a user without a tool does).</summary>
    Uniform,

    /// <summary>The same number from every class, at random within each: needs the true classes, so it exists only
    /// as a reference in evaluations.</summary>
    ClassBalanced,
}
