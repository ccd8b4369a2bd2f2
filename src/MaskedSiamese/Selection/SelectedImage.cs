namespace MaskedSiamese.Selection;

/// <summary>One image chosen for labelling.</summary>
/// <param name="Row">Its row in the features it was chosen from.</param>
/// <param name="Cluster">Its k-means cluster (−1 for density peaks and the random strategies).</param>
/// <param name="Typicality">1 / mean distance to its nearest neighbours: in its cluster, or among all the candidates
/// for density peaks (0 for the random strategies).</param>
public sealed record SelectedImage(int Row, int Cluster, double Typicality);
