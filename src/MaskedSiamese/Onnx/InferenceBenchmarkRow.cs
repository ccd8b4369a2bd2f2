namespace MaskedSiamese.Onnx;

/// <summary>Inference throughput of one batch size: medians over the rounds, both engines on the same inputs.</summary>
/// <param name="BatchSize">Images per forward pass.</param>
/// <param name="TorchImagesPerSecond">TorchSharp (eval mode, no gradients, official features), images/s.</param>
/// <param name="OnnxImagesPerSecond">ONNX Runtime on the exported file (all graph optimisations), images/s.</param>
/// <param name="TorchMillisecondsPerBatch">TorchSharp, median ms per forward pass.</param>
/// <param name="OnnxMillisecondsPerBatch">ONNX Runtime, median ms per forward pass.</param>
/// <param name="MaxRelativeDifference">max|ORT − TorchSharp| / max|TorchSharp| of the features on the timed
/// input.</param>
/// <param name="Rounds">Alternating rounds measured.</param>
public sealed record InferenceBenchmarkRow(int BatchSize, double TorchImagesPerSecond, double OnnxImagesPerSecond,
    double TorchMillisecondsPerBatch, double OnnxMillisecondsPerBatch, double MaxRelativeDifference, int Rounds);
