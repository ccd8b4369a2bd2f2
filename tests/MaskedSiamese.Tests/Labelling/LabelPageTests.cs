using System.Diagnostics;
using System.Net;
using System.Text;
using MaskedSiamese.Tests.Evaluation;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MaskedSiamese.Tests.Labelling;

/// <summary>
/// <c>msn label</c> as a user meets it: the server in its own process, the page in headless Chromium. Labelling by
/// keyboard, killing the server mid-way and restarting it with nothing lost, accepting predictions, exporting, and
/// <c>msn predict</c> with the exported classifier; and the server's refusals (token, ids, sizes).
/// </summary>
public sealed class LabelPageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-label-page-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (string Images, string Checkpoint, string Project) Setup(int perClass)
    {
        string images = LabelFolders.Write(_dir, perClass);
        File.WriteAllBytes(Path.Combine(images, "broken.png"), Encoding.ASCII.GetBytes("not a png"));
        return (images, TinySetup.WriteCheckpoint(_dir), Path.Combine(_dir, "project"));
    }

    private static ChromeDriver Browser() => HeadlessChromium.Start();

    private static string Attribute(IWebDriver page, string id, string name) =>
        page.FindElement(By.Id(id)).GetAttribute(name) ?? "";

    private static void Until(IWebDriver page, Func<IWebDriver, bool> condition, string what)
    {
        var wait = new WebDriverWait(page, TimeSpan.FromSeconds(60)) { Message = what };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        wait.Until(condition);
    }

    private static void OpenReady(ChromeDriver page, Uri address)
    {
        page.Navigate().GoToUrl(address);
        Until(page, p => Attribute(p, "phase", "data-phase") == "ready"
            && Attribute(p, "current", "data-name").Length > 0, "page ready");
    }

    // Answers the shown image by key (its true class, or s) and waits until the page shows the next one.
    private static string LabelByKey(ChromeDriver page, bool skip = false)
    {
        string name = Attribute(page, "current", "data-name");
        int before = int.Parse(page.FindElement(By.Id("labelled")).Text) +
            int.Parse(page.FindElement(By.Id("skipped")).Text);
        page.FindElement(By.TagName("body")).SendKeys(skip ? "s" : (LabelFolders.TruthOf(name) + 1).ToString());
        Until(page, p => int.Parse(p.FindElement(By.Id("labelled")).Text) +
            int.Parse(p.FindElement(By.Id("skipped")).Text) == before + 1
            && Attribute(p, "current", "data-name") != name, "the next image after " + name);
        return name;
    }

    private static string[] AnswerRows(string project) =>
        File.ReadAllLines(Path.Combine(project, "answers.csv")).Skip(1).ToArray();

    [ChromiumFact]
    public void Label_by_keyboard_kill_restart_lose_nothing_accept_export_and_predict()
    {
        var (images, checkpoint, project) = Setup(perClass: 8);
        var labelled = new List<string>();
        using (var server = LabelServerProcess.Start(images, "-c", checkpoint, "--classes", "red,green,blue",
            "--project", project, "--port", "0"))
        using (var page = Browser())
        {
            Assert.Equal("127.0.0.1", server.Page.Host);
            OpenReady(page, server.Page);
            Assert.Contains("1 unreadable", page.FindElement(By.Id("phase")).Text);
            for (int i = 0; i < 5; i++) labelled.Add(LabelByKey(page));
            server.Kill();   // mid-way, as kill -9: no shutdown code runs
        }
        var saved = AnswerRows(project);
        Assert.Equal(labelled.Order(), saved.Select(r => r.Split(',')[0]).Order());
        Assert.All(saved, r => Assert.Equal(LabelFolders.Classes[LabelFolders.TruthOf(r.Split(',')[0])],
            r.Split(',')[1]));

        using (var server = LabelServerProcess.Start(images, "--project", project))
        using (var page = Browser())
        {
            OpenReady(page, server.Page);
            Assert.Equal("5", page.FindElement(By.Id("labelled")).Text);
            Assert.DoesNotContain(Attribute(page, "current", "data-name"), labelled);
            labelled.Add(LabelByKey(page));
            LabelByKey(page, skip: true);
            // Every class has labels: the least sure predictions are listed; accepting the page answers them all.
            Until(page, p => p.FindElements(By.CssSelector("#uncertain .card")).Count > 0, "least sure predictions");
            int cards = page.FindElements(By.CssSelector("#uncertain .card")).Count;
            page.FindElement(By.Id("accept-page")).Click();
            Until(page, p => p.FindElement(By.Id("labelled")).Text == (6 + cards).ToString(),
                "accepted predictions counted");
            page.FindElement(By.Id("export")).Click();
            Until(page, p => Attribute(p, "export-result", "data-classifier").Length > 0, "export done");
        }
        Assert.Equal(24, AnswerRows(project).Length);   // 6 labels, 1 skip, the other 17 accepted
        string classifier = Path.Combine(project, "export", "classifier.msnc");
        string predictions = Path.Combine(_dir, "predictions.csv");
        var (code, _, error) = Msn("predict", classifier, images, "-o", predictions);
        Assert.True(code == 0, error);
        Assert.Equal(25, File.ReadAllLines(predictions).Length - 1);   // 24 images and the broken one, with its reason
    }

    [ChromiumFact]
    public async Task The_server_refuses_requests_without_the_token_ids_outside_the_index_and_oversized_bodies()
    {
        var (images, checkpoint, project) = Setup(perClass: 2);
        using var server = LabelServerProcess.Start(images, "-c", checkpoint, "--classes", "red,green,blue",
            "--project", project);
        using var http = new HttpClient { BaseAddress = server.Base };
        using var page = Browser();
        OpenReady(page, server.Page);   // the features are ready

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await http.GetAsync("/api/state?token=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/thumb/0")).StatusCode);
        string t = "token=" + server.Token;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/thumb/0?" + t)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/thumb/6?" + t)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/thumb/-1?" + t)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/thumb/..%2F..%2Fetc%2Fpasswd?" + t)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/project.json?" + t)).StatusCode);
        async Task<HttpStatusCode> Post(string path, string json)
        {
            using var body = new StringContent(json, Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "?" + t) { Content = body };
            return (await http.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.NotFound, await Post("/api/answer", """{"id":99,"answer":"red"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/api/answer", """{"id":0,"answer":"zebra"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/api/answer", """{"id":0,"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge,
            await Post("/api/answer", "{\"id\":0,\"answer\":\"" + new string('r', 100_000) + "\"}"));
        string many = "[" + string.Join(',', Enumerable.Repeat("""{"id":0,"answer":"red"}""", 201)) + "]";
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/api/accept", many));
        Assert.Empty(File.Exists(Path.Combine(project, "answers.csv")) ? AnswerRows(project) : []);
        Assert.Equal(HttpStatusCode.OK, await Post("/api/answer", """{"id":0,"answer":"red"}"""));
        Assert.Single(AnswerRows(project));
    }

    [ChromiumFact]
    public void Another_address_than_loopback_is_said_on_start()
    {
        var (images, checkpoint, project) = Setup(perClass: 2);
        using var server = LabelServerProcess.Start(images, "-c", checkpoint, "--classes", "red,green,blue",
            "--project", project, "--host", "0.0.0.0");
        Assert.True(server.WaitForError("not only this machine", TimeSpan.FromSeconds(30)), server.Errors);
    }

    private static (int Code, string Out, string Error) Msn(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "msn.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "msn predict did not end");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
