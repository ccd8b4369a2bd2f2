using MaskedSiamese.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.FineTuning;

/// <summary>The label-smoothed cross-entropy against a hand computation, and ε = 0 against the plain one.</summary>
public sealed class LabelSmoothingTests
{
    private static readonly double[][] Logits = [[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]];
    private static readonly long[] Labels = [0, 2];

    // −Σ_c q_c log p_c with q = 1 − ε + ε/C on the label and ε/C elsewhere, averaged over the rows.
    private static double ByHand(double epsilon)
    {
        double total = 0;
        for (int r = 0; r < Logits.Length; r++)
        {
            double logSum = Math.Log(Logits[r].Sum(Math.Exp));
            for (int c = 0; c < 3; c++)
            {
                double q = (c == Labels[r] ? 1 - epsilon : 0) + epsilon / 3;
                total -= q * (Logits[r][c] - logSum);
            }
        }
        return total / Logits.Length;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void Matches_the_hand_computation(double epsilon)
    {
        using var logits = torch.tensor(Logits.SelectMany(r => r).ToArray(), [2, 3], float64);
        using var labels = torch.tensor(Labels);
        using var loss = LabelSmoothing.CrossEntropy(logits, labels, epsilon);
        Assert.Equal(ByHand(epsilon), loss.item<double>(), 12);
        Assert.NotEqual(ByHand(0), loss.item<double>(), 3);   // the smoothing does change the value
    }

    [Fact]
    public void Without_smoothing_it_is_the_plain_cross_entropy()
    {
        using var logits = torch.tensor(Logits.SelectMany(r => r).ToArray(), [2, 3], float64);
        using var labels = torch.tensor(Labels);
        using var ours = LabelSmoothing.CrossEntropy(logits, labels, 0);
        using var plain = torch.nn.functional.cross_entropy(logits, labels);
        Assert.Equal(plain.item<double>(), ours.item<double>(), 14);
        Assert.Equal(ByHand(0), ours.item<double>(), 12);
    }
}
