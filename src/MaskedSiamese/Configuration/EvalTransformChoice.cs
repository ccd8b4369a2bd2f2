namespace MaskedSiamese.Configuration;

/// <summary>Which evaluation transform (resize, crop, mean, std) an encoder gets: the <c>--normalization</c> option
/// of <c>msn eval</c>, <c>embed</c>, <c>fit</c>, <c>finetune</c> and <c>export</c>, resolved by
/// <see cref="EvalTransformResolver.Resolve"/>.</summary>
public enum EvalTransformChoice
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
