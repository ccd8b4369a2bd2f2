using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;

using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class EmbeddingFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-embed-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Csv_has_a_header_and_one_row_per_image_with_path_and_label()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
        var (source, pathOf) = EmbeddingFiles.Open(images, "val");
        using var encoder = TinySetup.Encoder();
        using var features = FeatureExtractor.Extract(encoder, source,
            new EvalTransform { ResizeTo = 16, CropSize = 16 });
        string csv = Path.Combine(_dir, "e.csv");
        EmbeddingFiles.WriteCsv(csv, features, pathOf);

        var lines = File.ReadAllLines(csv);
        Assert.Equal(1 + 3, lines.Length);
        Assert.Equal("path,label," + string.Join(",", Enumerable.Range(0, 16).Select(j => $"f{j}")), lines[0]);
        for (int r = 0; r < 3; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(2 + 16, cells.Length);
            Assert.EndsWith(Path.Combine("val", $"c{r}", "0.png"), cells[0], StringComparison.Ordinal);
            Assert.Equal(r.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(features.Features[r, 0].item<float>(),
                float.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        string st = Path.Combine(_dir, "e.safetensors");
        EmbeddingFiles.WriteSafetensors(st, features, pathOf, source.ClassNames);
        var file = SafetensorsFile.Read(st);
        Assert.Equal([3L, 16L], file["features"].shape);
        Assert.Equal([0L, 1L, 2L], file["labels"].data<long>().ToArray());
        Assert.Contains("0.png", file.Metadata["paths"], StringComparison.Ordinal);
        foreach (var t in file.Tensors.Values) t.Dispose();
    }

    [FashionMnistFact]
    public void Fashion_mnist_paths_name_split_and_index()
    {
        var (source, pathOf) = EmbeddingFiles.Open("fashion-mnist", "test");
        Assert.Equal(10000, source.Count);
        Assert.Equal("fashion-mnist/test/42", pathOf(42));
    }
}
