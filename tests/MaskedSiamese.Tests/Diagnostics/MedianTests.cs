using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Tests.Diagnostics;

public sealed class MedianTests
{
    [Fact]
    public void The_middle_value_or_the_mean_of_the_two_middle_ones()
    {
        Assert.Equal(3.0, Median.Of([9.0, 1.0, 3.0]));
        Assert.Equal(2.5, Median.Of([4.0, 1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => Median.Of([]));
    }
}
