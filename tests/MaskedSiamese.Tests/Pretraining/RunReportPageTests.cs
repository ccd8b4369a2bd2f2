using MaskedSiamese.Configuration;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Tests.Labelling;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace MaskedSiamese.Tests.Pretraining;

/// <summary>A run's <c>report.html</c> opened in headless Chromium from the file alone: the main job's monitor and
/// evaluation included.</summary>
public sealed class RunReportPageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [ReportPageFact]
    public void The_report_opens_offline_with_its_charts_drawn_and_the_run_described()
    {
        var config = ConfigPresets.Load("smoke", [$"logging.folder={Path.Combine(_dir, "run")}", "meta.threads=1",
            "logging.monitor_every=2"]);
        var result = PretrainingRun.Run(config, new PretrainingRequest { Evaluate = false });
        // The page is copied away from the run folder: it must need nothing beside it.
        string page = Path.Combine(_dir, "alone.html");
        File.Copy(Path.Combine(_dir, "run", RunReport.FileName), page);

        using var browser = Browser();
        browser.Navigate().GoToUrl(new Uri(page).AbsoluteUri);
        Assert.Equal("MSN pretraining: run", browser.Title);
        var images = browser.FindElements(By.TagName("img"));
        Assert.Equal(3, images.Count);   // the training curves, the monitor and the schedules
        foreach (var image in images)
        {
            var width = ((IJavaScriptExecutor)browser).ExecuteScript("return arguments[0].naturalWidth;", image);
            Assert.True(Convert.ToInt64(width, System.Globalization.CultureInfo.InvariantCulture) > 100,
                $"{image.GetAttribute("alt")} did not load");
        }
        Assert.Contains("learning rate", images[2].GetAttribute("alt"), StringComparison.Ordinal);
        string text = browser.FindElement(By.TagName("body")).Text;
        Assert.Contains($"{result.Outcome.StepsDone} of", text, StringComparison.Ordinal);
        Assert.Contains("precision", text, StringComparison.Ordinal);
        // Stopped at its step limit: the map waits for the end of the schedule, and the page says so.
        Assert.Contains("drawn when the schedule completes", text, StringComparison.Ordinal);
    }

    private static ChromeDriver Browser() => HeadlessChromium.Start();
}
