namespace MaskedSiamese.Training;

/// <summary>
/// Measures the networks now and then during pretraining, for the log: e.g. the k-NN accuracy of the target encoder
/// on a labelled set, or a label-free quality measure. Its values become log columns; at steps where it does not
/// measure (and on every process but the first) they are NaN.
/// </summary>
public interface IStepMonitor
{
    /// <summary>The log columns of <see cref="Measure"/>'s values, in order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Whether to measure once <paramref name="stepsDone"/> steps are done. The training loop must log that
    /// step (a multiple of its log cadence, an epoch end or the last step), or the values are lost.</summary>
    bool IsDue(long stepsDone);

    /// <summary>Measures <paramref name="networks"/>, leaving their parameters, buffers and modes as they
    /// were.</summary>
    IReadOnlyList<double> Measure(MsnNetworks networks);
}
