using MaskedSiamese.Configuration;

namespace MaskedSiamese.Evaluation;

/// <summary>The evaluation that ends a pretraining run, from its configuration.</summary>
public static class LowShotEvaluationConfig
{
    /// <summary>
    /// Options evaluating on the run's data (<c>data.dataset</c>, or <c>root_path/image_folder</c> with train/ and
    /// val/) with the config's eval transform (<c>eval_resize</c>, <c>eval_crop</c>, <c>mean</c>, <c>std</c>), on its
    /// device, caching features under <c>RUN/features</c>. Then:
    /// <c>LowShotEvaluation.Run(latestCheckpoint, config.ToLowShotEvaluationOptions(runFolder), log)</c>.
    /// </summary>
    public static LowShotEvaluationOptions ToLowShotEvaluationOptions(this MsnConfig config, string runFolder)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        return new LowShotEvaluationOptions
        {
            Data = config.DataLocation(),
            Transform = config.ToEvalTransform(),
            Device = MsnConfigMapping.ToDevice(config.Meta.Device),
            Cache = new FeatureCache(Path.Combine(runFolder, "features")),
        };
    }
}
