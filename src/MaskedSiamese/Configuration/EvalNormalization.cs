namespace MaskedSiamese.Configuration;

/// <summary>Where the evaluation transform (resize, crop, mean, std) of an encoder comes from.</summary>
public enum EvalNormalization
{
    /// <summary>The checkpoint's recorded training config (<c>data.mean</c>, <c>std</c>, <c>eval_resize</c>,
    /// <c>eval_crop</c>); ImageNet's official transform for files that record none (official or imported
    /// weights).</summary>
    Auto,

    /// <summary>ImageNet mean/std, shorter side resized by 256/224 of the image size, centre crop.</summary>
    ImageNet,

    /// <summary>Fashion-MNIST's gray mean/std on every channel, resized straight to the image size.</summary>
    FashionMnist,
}
