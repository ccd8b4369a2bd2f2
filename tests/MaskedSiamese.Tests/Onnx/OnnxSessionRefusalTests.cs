using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Onnx;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>
/// Found by the fuzzing harness (fuzz/, target onnx): bytes that are no exported encoder escaped
/// <see cref="OnnxEncoderSession"/> as ONNX Runtime's exception, or as a KeyNotFoundException when the graph lacked
/// our input or output names. Both are now the library's typed refusal.
/// </summary>
public sealed class OnnxSessionRefusalTests
{
    private static byte[] Exported()
    {
        using var encoder = TinySetup.Encoder(seed: 3);
        return OnnxEncoderExport.ToBytes(encoder);
    }

    [Fact]
    public void Damaged_or_truncated_bytes_are_refused_with_a_typed_exception()
    {
        byte[] model = Exported();

        var garbage = Assert.Throws<CheckpointFormatException>(() => new OnnxEncoderSession("not a model"u8.ToArray()));
        var cut = Assert.Throws<CheckpointFormatException>(() => new OnnxEncoderSession(model[..(model.Length / 2)]));

        Assert.Contains("cannot be loaded", garbage.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be loaded", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_model_without_our_input_name_is_refused_naming_what_it_needs()
    {
        // The same graph with its input renamed (same length, so the protobuf stays valid).
        string text = Encoding.Latin1.GetString(Exported());
        byte[] renamed = Encoding.Latin1.GetBytes(text.Replace("images", "imagez", StringComparison.Ordinal));
        using (new OnnxEncoderSession(Exported())) { }

        var e = Assert.Throws<CheckpointFormatException>(() => new OnnxEncoderSession(renamed));

        Assert.Contains("not an exported encoder", e.Message, StringComparison.Ordinal);
        Assert.Contains("'images'", e.Message, StringComparison.Ordinal);
    }
}
