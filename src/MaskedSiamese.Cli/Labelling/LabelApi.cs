using System.Globalization;
using MaskedSiamese.Labelling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MaskedSiamese.Cli.Labelling;

/// <summary>The routes of the label page: the page itself, thumbnails by index, and a small JSON API.</summary>
internal static class LabelApi
{
    private const int MaxPage = 200;

    public static void Map(WebApplication app, LabelServerState state, string token)
    {
        string html = LabelServer.PageFile("label.html").Replace("__TOKEN__", token, StringComparison.Ordinal);
        string script = LabelServer.PageFile("label.js"), style = LabelServer.PageFile("label.css");
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
        app.MapGet("/label.js", () => Results.Content(script, "text/javascript; charset=utf-8"));
        app.MapGet("/label.css", () => Results.Content(style, "text/css; charset=utf-8"));
        app.MapGet("/thumb/{id:int}", (int id) => Thumbnail(state, id));
        app.MapGet("/api/state", () => Results.Json(State(state)));
        app.MapGet("/api/next", (int? count) => WithSession(state, s =>
            Results.Json(s.NextToLabel(Math.Clamp(count ?? 10, 1, MaxPage))
                .Select(i => new { id = i, name = s.Items[i] }))));
        app.MapGet("/api/uncertain", (int? offset, int? count) => WithSession(state, s =>
        {
            var (page, total) = s.LeastSure(Math.Max(0, offset ?? 0), Math.Clamp(count ?? 24, 1, MaxPage));
            return Results.Json(new
            {
                total,
                items = page.Select(p => new
                {
                    id = p.Item,
                    name = s.Items[p.Item],
                    predicted = s.Classes[p.Class],
                    confidence = p.Confidence,
                }),
            });
        }));
        app.MapPost("/api/answer", (AnswerRequest request) => WithSession(state, s => Answer(state, s, [request])));
        app.MapPost("/api/accept", (AnswerRequest[] requests) => WithSession(state, s =>
            requests.Length > MaxPage
                ? Results.BadRequest($"at most {MaxPage} answers at a time")
                : Answer(state, s, requests)));
        app.MapPost("/api/undo", (AnswerRequest request) => WithSession(state, s =>
        {
            if (request.Id < 0 || request.Id >= s.Items.Count) return Results.NotFound("no such image");
            s.Unanswer(request.Id);
            return Results.Json(State(state));
        }));
        app.MapGet("/api/estimate", () =>
            WithSession(state, s => Results.Json(new { accuracy = s.EstimateAccuracy(), version = s.Version })));
        app.MapPost("/api/export", () => WithSession(state, s => Export(state, s)));
    }

    /// <summary>One answer: the image's index and a class name, <c>(skip)</c> or <c>(not sure)</c>.</summary>
    internal sealed record AnswerRequest(int Id, string Answer);

    private static IResult WithSession(LabelServerState state, Func<LabellingSession, IResult> action) =>
        state.Session is { } session ? action(session) : Results.Conflict("the features are not ready yet");

    private static IResult Answer(LabelServerState state, LabellingSession session,
        IReadOnlyList<AnswerRequest> requests)
    {
        var answers = new List<(int, int)>();
        foreach (var r in requests)
        {
            if (r is null || r.Id < 0 || r.Id >= session.Items.Count) return Results.NotFound("no such image");
            if (r.Answer is null || LabelAnswer.Parse(r.Answer, session.Classes) is not { } answer)
                return Results.BadRequest("the answer names no class");
            answers.Add((r.Id, answer));
        }
        session.AnswerMany(answers);
        return Results.Json(State(state));
    }

    private static IResult Thumbnail(LabelServerState state, int id)
    {
        if (state.Session is not { } s || id < 0 || id >= s.Items.Count) return Results.NotFound();
        byte[]? jpeg = state.Project.Thumbnails.Get(state.PathOf(id));
        return jpeg is null ? Results.NotFound() : Results.Bytes(jpeg, "image/jpeg");
    }

    private static IResult Export(LabelServerState state, LabellingSession session)
    {
        var export = state.Project.Export(session);
        return Results.Json(new
        {
            labels = export.LabelsCsv,
            folders = export.ClassFolders,
            classifier = export.Classifier,
            labelled = export.Labelled,
            leftOut = export.ClassesLeftOut,
            accuracy = export.CrossValidatedAccuracy,
        });
    }

    private static object State(LabelServerState state)
    {
        var s = state.Session;
        var status = s?.Status();
        return new
        {
            phase = state.Phase,
            error = state.Error,
            done = state.Progress.Done,
            total = state.Progress.Total,
            images = state.Images.Count,
            unreadable = state.Images.SkippedCount,
            folder = state.Project.Settings.Images,
            classes = state.Project.Settings.Classes,
            perClass = status?.PerClass,
            labelled = status?.Labelled ?? 0,
            skipped = status?.Skipped ?? 0,
            notSure = status?.NotSure ?? 0,
            classifierReady = status?.ClassifierReady ?? false,
            fitMilliseconds = status is null
                ? null
                : Math.Round(status.FitMilliseconds, 1).ToString(CultureInfo.InvariantCulture),
            version = status?.Version ?? 0,
        };
    }
}
