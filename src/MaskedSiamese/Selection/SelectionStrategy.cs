namespace MaskedSiamese.Selection;

/// <summary>How <see cref="LabelSelection"/> chooses the images to label.</summary>
public enum SelectionStrategy
{
    /// <summary>Density peaks (Rodriguez and Laio, Science 2014), chosen greedily: the image with the largest density
    /// (1 / mean distance to its nearest neighbours) × separation (distance to the nearest denser image, or to the
    /// nearest labelled or already chosen one if that is nearer), one at a time. Each pick is the centre of a mode
    /// that no earlier pick or label covers; a smaller budget's images are the first of a larger one's. Given the
    /// classes of <see cref="LabelSelection.UncertaintyFromLabels"/> labelled images or more, each image's score is
    /// also weighted by how unsure a classifier fitted on them is of it. The default.</summary>
    DensityPeaks,

    /// <summary>TypiClust-style (Hacohen et al., ICML 2022): k-means into (labelled + budget) clusters, then, from the
    /// clusters with the fewest labels (the largest first), each one's most typical unlabelled image (typicality:
    /// 1 / mean distance to its nearest neighbours in the cluster).</summary>
    Typicality,

    /// <summary>Uniformly at random among the unlabelled images (what a user without a tool does).</summary>
    Uniform,

    /// <summary>The same number from every class, at random within each: needs the true classes, so it exists only
    /// as a reference in evaluations.</summary>
    ClassBalanced,

    /// <summary>What <c>msn label</c> suggests: density peaks in rounds of <see cref="LabelSelection.RoundSize"/> (10,
    /// then as many again as chosen so far, at most 50), each round given the earlier rounds as labelled (with their
    /// classes, when given: a simulated labeller's answers), the first images of the last round taken.</summary>
    InRounds,

    /// <summary>Cluster-margin, once two classes have labels: the clusters are visited as by <see cref="Typicality"/>,
    /// and each gives the image that a classifier fitted on the labelled images is least sure of (the smallest gap
    /// between its two most likely classes). Needs the classes of the labelled images; with fewer than two classes
    /// labelled it is <see cref="Typicality"/>. Evaluated in the rounds of <see cref="InRounds"/>, the first
    /// by typicality.</summary>
    Margin,
}
