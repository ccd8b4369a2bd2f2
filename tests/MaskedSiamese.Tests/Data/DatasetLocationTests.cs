using MaskedSiamese.Data;

namespace MaskedSiamese.Tests.Data;

/// <summary>The one parser of <c>--data</c> / <c>data.dataset</c>.</summary>
public sealed class DatasetLocationTests
{
    [Theory]
    [InlineData("fashion-mnist", true, null)]
    [InlineData("Fashion-MNIST", true, null)]
    [InlineData("fashion-mnist:/data/fm", true, "/data/fm")]
    [InlineData("/data/images", false, null)]
    [InlineData("fashion-mnist-folder", false, null)]
    public void Parses_names_and_folders(string text, bool fashionMnist, string? folder)
    {
        var location = DatasetLocation.Parse(text);
        Assert.Equal(fashionMnist, location.IsFashionMnist);
        Assert.Equal(folder, location.FashionMnistFolder);
        Assert.Equal(text, location.ToString());
    }

    [Fact]
    public void A_missing_folder_is_reported_by_name()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() =>
            DatasetLocation.Parse("/nonexistent/msn-data").OpenPretraining());
        Assert.Contains("/nonexistent/msn-data", e.Message, StringComparison.Ordinal);
    }
}
