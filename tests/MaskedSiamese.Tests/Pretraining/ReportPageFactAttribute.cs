using MaskedSiamese.Data;
using MaskedSiamese.Tests.Labelling;

namespace MaskedSiamese.Tests.Pretraining;

/// <summary>A run report read in headless Chromium, of a run on Fashion-MNIST (the data its monitor needs): skipped,
/// saying why, when either is missing (scripts/test.sh installs both).</summary>
public sealed class ReportPageFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the browser, its driver or Fashion-MNIST is
    /// missing.</summary>
    public ReportPageFactAttribute()
    {
        if (!File.Exists(ChromiumFactAttribute.Browser) || !File.Exists(ChromiumFactAttribute.Driver))
            Skip = "headless Chromium is not installed (Debian: apt-get install chromium chromium-driver)";
        else if (!FashionMnist.IsAvailable())
            Skip = "Fashion-MNIST is not installed (Debian: apt-get install dataset-fashion-mnist)";
    }
}
