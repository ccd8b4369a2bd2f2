using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models;
using MaskedSiamese.Training;
using TorchSharp;

namespace MaskedSiamese.Configuration;

/// <summary>Turns a validated run configuration into the settings of the library's parts: the MSN recipe, the view
/// augmentations, the loader, the training loop, the evaluation transform and the pretraining data.</summary>
public static class MsnConfigMapping
{
    /// <summary>The networks' architecture.</summary>
    public static EncoderArchitecture ToArchitecture(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new EncoderArchitecture(config.Meta.ToVitOptions(), config.Meta.ToHeadOptions(),
            config.Criterion.NumProto);
    }

    /// <summary>What MSN pretraining trains and how, for a loader of <paramref name="iterationsPerEpoch"/>
    /// batches per epoch (the schedules' unit).</summary>
    public static MsnRecipe ToRecipe(this MsnConfig config, int iterationsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = config.Optimization;
        var c = config.Criterion;
        return new MsnRecipe
        {
            Architecture = config.ToArchitecture(),
            Loss = new MsnLossOptions
            {
                Temperature = c.Temperature,
                SharpenTemperature = c.StartSharpen,
                UseSinkhorn = c.UseSinkhorn,
                MeMaxWeight = c.MeMax ? c.MemaxWeight : 0,
                // As officially: use_ent false makes the entropy term 0, so its weight cannot count.
                EntropyWeight = c.UseEnt ? c.EntWeight : 0,
                LabelSmoothing = config.Data.LabelSmoothing,
            },
            Schedule = new ScheduleSettings(o.Epochs, iterationsPerEpoch)
            {
                WarmupEpochs = o.Warmup,
                StartLearningRate = o.StartLr,
                ReferenceLearningRate = o.Lr,
                FinalLearningRate = o.FinalLr,
                WeightDecay = o.WeightDecay,
                FinalWeightDecay = o.FinalWeightDecay,
                StartMomentum = o.Ema.Start,
                FinalMomentum = o.Ema.Final,
                StartSharpen = c.StartSharpen,
                FinalSharpen = c.FinalSharpen,
                HorizonMultiplier = o.Horizon,
            },
            PatchDrop = config.Data.PatchDrop,
            MaskSharing = config.Meta.MaskSharing,
            ClipGrad = o.ClipGrad,
            Adam = (o.Betas.Beta1, o.Betas.Beta2, o.Eps),
            Seed = config.Meta.Seed,
            ConfigText = config.ToYaml(),
        };
    }

    /// <summary>How the training loop runs: the <c>logging</c> section (folder, tag, cadence), the thread count
    /// and the step limit. Resume and overwrite are the caller's.</summary>
    public static TrainingLoopOptions ToLoopOptions(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var l = config.Logging;
        return new TrainingLoopOptions
        {
            RunFolder = Path.GetFullPath(l.Folder),
            Tag = l.WriteTag,
            Threads = config.Meta.Threads,
            CheckpointEvery = l.CheckpointEvery,
            LogEvery = l.LogEvery,
            KeepCheckpoints = l.KeepCheckpoints,
            TensorBoard = l.Tensorboard,
            MaxSteps = config.Optimization.MaxSteps,
        };
    }

    /// <summary>The target/anchor and focal view augmentations.</summary>
    public static AugmentationOptions ToAugmentationOptions(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.Data;
        var common = new ViewOptions
        {
            FlipProbability = d.HflipProb,
            JitterProbability = d.JitterProb,
            GrayscaleProbability = d.GrayscaleProb,
            BlurProbability = d.BlurProb,
            BlurSigma = d.BlurSigma,
            Mean = d.Mean.ToArray().Select(v => (float)v).ToArray(),
            Std = d.Std.ToArray().Select(v => (float)v).ToArray(),
        }.WithJitterStrength(d.ColorJitterStrength);
        return new AugmentationOptions
        {
            Global = common with { Size = d.RandSize, Scale = d.RandScale },
            Focal = common with { Size = d.FocalSize, Scale = d.FocalScale },
            FocalCount = d.FocalViews,
        };
    }

    /// <summary>Batching, shuffling seed and workers.</summary>
    public static LoaderOptions ToLoaderOptions(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LoaderOptions
        {
            BatchSize = config.Criterion.BatchSize,
            Seed = config.Meta.Seed,
            Workers = Math.Max(1, Math.Min(config.Data.NumWorkers, LoaderOptions.DefaultWorkers)),
        };
    }

    /// <summary>The deterministic evaluation transform (resize the shorter side, centre crop, normalise).</summary>
    public static EvalTransform ToEvalTransform(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.Data;
        return new EvalTransform
        {
            ResizeTo = d.EvalResize,
            CropSize = d.EvalCrop,
            Mean = d.Mean.ToArray().Select(v => (float)v).ToArray(),
            Std = d.Std.ToArray().Select(v => (float)v).ToArray(),
        };
    }

    /// <summary>
    /// Where the data is: <c>fashion-mnist</c> (optionally <c>fashion-mnist:FOLDER</c>), a folder path, or, when
    /// <c>data.dataset</c> is empty, the official <c>root_path/image_folder</c>.
    /// </summary>
    public static string DataLocation(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Data.Dataset.Length > 0
            ? config.Data.Dataset
            : Path.Combine(config.Data.RootPath, config.Data.ImageFolder);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static torch.Device ToDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Engine.DeviceName.TryParse(device, out string? problem)
            ?? throw new ConfigException($"config: meta.device is '{device}': {problem}");
    }
}
