namespace MaskedSiamese.Training;

/// <summary>The scheduled values one training step uses.</summary>
/// <param name="LearningRate">lr for every group.</param>
/// <param name="WeightDecay">Weight decay of the decayed group (the others keep 0).</param>
/// <param name="Momentum">EMA momentum m of the target update after the step.</param>
/// <param name="SharpenTemperature">Target sharpening temperature T.</param>
/// <param name="ClipGrad">Max global gradient norm over the encoder (≤ 0: no clipping).</param>
public sealed record StepSettings(double LearningRate, double WeightDecay, double Momentum, double SharpenTemperature,
    double ClipGrad);
