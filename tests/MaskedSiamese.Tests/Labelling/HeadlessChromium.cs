using OpenQA.Selenium.Chrome;

namespace MaskedSiamese.Tests.Labelling;

/// <summary>Debian's Chromium, headless, driven by its chromedriver (see
/// <see cref="ChromiumFactAttribute"/>).</summary>
internal static class HeadlessChromium
{
    /// <summary>A new browser of 1280 × 900 pixels.</summary>
    public static ChromeDriver Start()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.Driver),
            Path.GetFileName(ChromiumFactAttribute.Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,900");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
