using MaskedSiamese.Data;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Data;

[Trait("Category", TestCategories.FullDataset)]
public class FashionMnistSourceTests
{
    [Fact]
    public void Training_split_has_60000_gray_images_replicated_to_rgb_with_labels_0_to_9()
    {
        var data = FashionMnist.Load();
        var source = new FashionMnistSource(data);
        Assert.Equal(60000, source.Count);
        Assert.Equal(10, source.ClassNames.Count);
        Assert.Equal(Enumerable.Range(0, 10),
            Enumerable.Range(0, source.Count).Select(source.Label).Distinct().Order());
        foreach (int i in new[] { 0, 12345, 59999 })
        {
            var img = source.TryGet(i)!;
            Assert.Equal((28, 28), (img.Width, img.Height));
            var gray = data.Image(i);
            for (int p = 0; p < gray.Length; p++)
                Assert.True(img.Rgb[3 * p] == gray[p] && img.Rgb[3 * p + 1] == gray[p]
                    && img.Rgb[3 * p + 2] == gray[p]);
        }
        Assert.Equal(0, source.SkippedCount);
    }
}
