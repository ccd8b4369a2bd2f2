namespace MaskedSiamese.Configuration;

/// <summary>
/// The <c>data</c> section: where the images come from, the views made of each image (one target, <c>rand_views</c>
/// masked anchors at <c>rand_size</c>, <c>focal_views</c> focal anchors at <c>focal_size</c>), their augmentations
/// and the loader. Defaults are the official ViT-S/16 values; the augmentation keys we add default to the values the
/// official code hard-codes.
/// </summary>
public sealed record DataOptions
{
    /// <summary>
    /// <c>color_jitter_strength</c>: s in <c>ColorJitter(0.8s, 0.8s, 0.8s, 0.2s)</c> (brightness, contrast, saturation,
    /// hue; default 0.5). In [0, 1.25]: above that a brightness factor could go negative.
    /// </summary>
    [YamlKey("color_jitter_strength")]
    public double ColorJitterStrength { get; init; } = 0.5;

    /// <summary><c>pin_mem</c>: officially, pin host memory for faster GPU copies (default true). The loader here never
    /// pins memory, so true loads with a warning (<see cref="MsnConfig.Warnings"/>).</summary>
    [YamlKey("pin_mem")]
    public bool PinMem { get; init; } = true;

    /// <summary><c>num_workers</c>: background threads making views (default 10). On a 2-core machine use 1.</summary>
    [YamlKey("num_workers")]
    public int NumWorkers { get; init; } = 10;

    /// <summary><c>image_folder</c>: the data set folder under <see cref="RootPath"/>; images are read from its
    /// <c>train/</c> subfolder (default <c>imagenet_full_size/061417/</c>). Used when <see cref="Dataset"/> is
    /// empty.</summary>
    [YamlKey("image_folder")]
    public string ImageFolder { get; init; } = "imagenet_full_size/061417/";

    /// <summary><c>label_smoothing</c>: smoothing s of the prototype labels, in [0, 1] (default 0.0:
    /// identity).</summary>
    [YamlKey("label_smoothing")]
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// <c>patch_drop</c>: fraction of patch tokens dropped from the masked anchor, in [0, 1) (default 0.15). The paper
    /// uses 0.15 for ViT-S/16, 0.3 for ViT-B, 0.7 for ViT-L/7 and ViT-B/4: larger models want more; tiny ones
    /// 0.15–0.3.
    /// </summary>
    [YamlKey("patch_drop")]
    public double PatchDrop { get; init; } = 0.15;

    /// <summary><c>rand_size</c>: side of the target and masked-anchor crops in pixels (default 224); must be a
    /// multiple of the patch size.</summary>
    [YamlKey("rand_size")]
    public int RandSize { get; init; } = 224;

    /// <summary><c>focal_size</c>: side of the focal crops in pixels (default 96, about 0.4 ×
    /// <see cref="RandSize"/>).</summary>
    [YamlKey("focal_size")]
    public int FocalSize { get; init; } = 96;

    /// <summary><c>rand_views</c>: masked anchor views per image (default 1); the loader makes one more, the target.
    /// Only 1 is accepted (every official run uses 1); add unmasked views with <see cref="FocalViews"/>.</summary>
    [YamlKey("rand_views")]
    public int RandViews { get; init; } = 1;

    /// <summary>
    /// <c>focal_views</c>: focal anchor views per image, never masked (default 10). Each view is a full forward pass
    /// of the anchor encoder: 2–4 cut a CPU step several times over.
    /// </summary>
    [YamlKey("focal_views")]
    public int FocalViews { get; init; } = 10;

    /// <summary><c>root_path</c>: the folder holding <see cref="ImageFolder"/> (default <c>/datasets01/</c>).</summary>
    [YamlKey("root_path")]
    public string RootPath { get; init; } = "/datasets01/";

    /// <summary>
    /// <c>dataset</c> (ours): empty (default) reads <c>root_path/image_folder/train/</c> as the official code does;
    /// <c>fashion-mnist</c> uses the built-in Fashion-MNIST reader; anything else is an image folder path.
    /// </summary>
    [YamlKey("dataset")]
    public string Dataset { get; init; } = "";

    /// <summary><c>rand_scale</c> (ours): area fraction range of the target/anchor <c>RandomResizedCrop</c>
    /// (default [0.3, 1.0], hard-coded officially). 0 &lt; min ≤ max ≤ 1.</summary>
    [YamlKey("rand_scale")]
    public (double Min, double Max) RandScale { get; init; } = (0.3, 1.0);

    /// <summary><c>focal_scale</c> (ours): area fraction range of the focal crops (default [0.05, 0.3]).</summary>
    [YamlKey("focal_scale")]
    public (double Min, double Max) FocalScale { get; init; } = (0.05, 0.3);

    /// <summary><c>hflip_prob</c> (ours): probability of a horizontal flip per view (default 0.5).</summary>
    [YamlKey("hflip_prob")]
    public double HflipProb { get; init; } = 0.5;

    /// <summary><c>jitter_prob</c> (ours): probability of colour jitter per view (default 0.8).</summary>
    [YamlKey("jitter_prob")]
    public double JitterProb { get; init; } = 0.8;

    /// <summary><c>grayscale_prob</c> (ours): probability of converting a view to gray (default 0.2; use 0 on
    /// gray data sets, where it does nothing).</summary>
    [YamlKey("grayscale_prob")]
    public double GrayscaleProb { get; init; } = 0.2;

    /// <summary><c>blur_prob</c> (ours): probability of a Gaussian blur per view (default 0.5, symmetric on every
    /// view). Turn it off (0) for 28–32 px images, where a blur erases most of the object.</summary>
    [YamlKey("blur_prob")]
    public double BlurProb { get; init; } = 0.5;

    /// <summary><c>blur_sigma</c> (ours): range of the blur radius in pixels, drawn uniformly (default [0.1,
    /// 2.0]).</summary>
    [YamlKey("blur_sigma")]
    public (double Min, double Max) BlurSigma { get; init; } = (0.1, 2.0);

    /// <summary><c>mean</c> (ours): per-channel normalisation mean (default ImageNet's [0.485, 0.456,
    /// 0.406]).</summary>
    [YamlKey("mean")]
    public Rgb Mean { get; init; } = new(0.485, 0.456, 0.406);

    /// <summary><c>std</c> (ours): per-channel normalisation standard deviation, each &gt; 0 (default ImageNet's
    /// [0.229, 0.224, 0.225]).</summary>
    [YamlKey("std")]
    public Rgb Std { get; init; } = new(0.229, 0.224, 0.225);

    /// <summary><c>eval_resize</c> (ours): evaluation images are resized so the short side is this many pixels
    /// (default 256), then center-cropped to <see cref="EvalCrop"/>.</summary>
    [YamlKey("eval_resize")]
    public int EvalResize { get; init; } = 256;

    /// <summary><c>eval_crop</c> (ours): side of the evaluation center crop in pixels (default 224), ≤
    /// <see cref="EvalResize"/>.</summary>
    [YamlKey("eval_crop")]
    public int EvalCrop { get; init; } = 224;

    /// <summary><c>drop_last</c> (ours): drop the last incomplete batch of an epoch (default true, as the official
    /// loader; BatchNorm and ME-MAX dislike tiny batches).</summary>
    [YamlKey("drop_last")]
    public bool DropLast { get; init; } = true;
}
