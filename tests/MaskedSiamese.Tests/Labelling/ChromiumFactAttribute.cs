namespace MaskedSiamese.Tests.Labelling;

/// <summary>A test driven in headless Chromium: skipped, saying why, when Debian's <c>chromium</c> or
/// <c>chromium-driver</c> is missing (scripts/test.sh installs both, so there it runs).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the browser or its driver is missing.</summary>
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Browser) || !File.Exists(Driver))
            Skip = "headless Chromium is not installed (Debian: apt-get install chromium chromium-driver; " +
                "scripts/test.sh installs them)";
    }
}
