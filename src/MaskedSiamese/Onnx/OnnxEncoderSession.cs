using MaskedSiamese.Checkpoints;
using Microsoft.ML.OnnxRuntime;

namespace MaskedSiamese.Onnx;

/// <summary>
/// An exported encoder loaded in ONNX Runtime (CPU, all graph optimisations): normalised images in, official
/// features out. The application supplies ONNX Runtime's native library (package <c>Microsoft.ML.OnnxRuntime</c>).
/// </summary>
public sealed class OnnxEncoderSession : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Loads <paramref name="model"/> (the bytes of an exported file) with <paramref name="threads"/>
    /// intra-op threads (0: ONNX Runtime's default).</summary>
    /// <param name="model">The ONNX file's bytes.</param>
    /// <param name="threads">Intra-op threads; 0 lets ONNX Runtime choose.</param>
    /// <param name="allowSpinning">Whether idle worker threads busy-wait for work. Off by default, like
    /// <c>OMP_WAIT_POLICY=PASSIVE</c> for libtorch: on a shared or small machine spinning threads take the cores
    /// other work needs (on this 2-core machine it halved batch-1 throughput under load).</param>
    /// <exception cref="CheckpointFormatException">ONNX Runtime cannot load <paramref name="model"/>, or it is not an
    /// exported encoder (no input <c>images</c> [batch, 3, S, S] or no output <c>features</c> [batch, D]).</exception>
    public OnnxEncoderSession(byte[] model, int threads = 0, bool allowSpinning = false)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) options.IntraOpNumThreads = threads;
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
        try
        {
            _session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            // ONNX Runtime's own type would leave callers to tell a damaged file from a fault of theirs.
            throw new CheckpointFormatException($"the ONNX model cannot be loaded: {e.Message.Split('\n')[0]}", e);
        }
        (ImageSize, FeatureDim) = Sizes(_session);
    }

    // The exported layout (OnnxEncoderFormat): a missing name was a KeyNotFoundException, a symbolic size a negative
    // one.
    private static (int ImageSize, int FeatureDim) Sizes(InferenceSession session)
    {
        if (session.InputMetadata.TryGetValue(OnnxEncoderFormat.InputName, out var input)
            && input.Dimensions is [_, 3, var h, var w] && h == w && w > 0
            && session.OutputMetadata.TryGetValue(OnnxEncoderFormat.FeaturesOutput, out var output)
            && output.Dimensions is [_, var d] && d > 0)
            return (w, d);
        session.Dispose();
        throw new CheckpointFormatException(
            $"the ONNX model is not an exported encoder: it needs an input '{OnnxEncoderFormat.InputName}' [batch, " +
            $"3, S, S] and an output '{OnnxEncoderFormat.FeaturesOutput}' [batch, D]");
    }

    /// <summary>Side of the square input.</summary>
    public int ImageSize { get; }

    /// <summary>Width D of the features.</summary>
    public int FeatureDim { get; }

    /// <summary>The model's metadata_props (preprocessing, architecture).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    /// <summary>Runs <paramref name="batch"/> images given as [batch, 3, S, S] floats and returns the requested
    /// output (<see cref="OnnxEncoderFormat.FeaturesOutput"/> by default) as [batch · D] floats.</summary>
    public float[] Run(float[] images, int batch, string output = OnnxEncoderFormat.FeaturesOutput)
    {
        ArgumentNullException.ThrowIfNull(images);
        long[] shape = [batch, 3, ImageSize, ImageSize];
        if (images.LongLength != batch * 3L * ImageSize * ImageSize)
            throw new ArgumentException($"{images.Length} floats for a batch of {batch} images of {ImageSize} px",
                nameof(images));
        using var input = OrtValue.CreateTensorValueFromMemory(images, shape);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [OnnxEncoderFormat.InputName], [input], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
