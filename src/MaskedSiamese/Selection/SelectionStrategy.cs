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

    /// <summary>What <c>msn label</c> suggests: typicality in rounds of <see cref="LabelSelection.RoundSize"/> (10,
    /// then as many again as chosen so far, at most 50), each round given the earlier rounds as labelled, the first
    /// images of the last round taken. The first round is <see cref="Typicality"/>'s cold start of 10.</summary>
    InRounds,

    /// <summary>Cluster-margin, once two classes have labels: the clusters are visited as by <see cref="Typicality"/>,
    /// and each gives the image that a classifier fitted on the labelled images is least sure of (the smallest gap
    /// between its two most likely classes). Needs the classes of the labelled images; with fewer than two classes
    /// labelled it is <see cref="Typicality"/>. Evaluated in the rounds of <see cref="InRounds"/>, the first
    /// by typicality.</summary>
    Margin,
}
