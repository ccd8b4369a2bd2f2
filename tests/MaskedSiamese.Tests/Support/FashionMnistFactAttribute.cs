using MaskedSiamese.Data;

namespace MaskedSiamese.Tests.Support;

/// <summary>A test that reads the Fashion-MNIST files: skipped, saying why, when they are not where
/// <see cref="FashionMnist.Load"/> looks (scripts/test.sh installs Debian's <c>dataset-fashion-mnist</c> first, so
/// there it runs).</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the Fashion-MNIST files are missing.</summary>
    public FashionMnistFactAttribute()
    {
        if (!FashionMnist.IsAvailable())
            Skip = "Fashion-MNIST is not installed (Debian: apt-get install dataset-fashion-mnist, or name its " +
                "folder with MSN_FASHION_MNIST; scripts/test.sh installs it)";
    }
}
