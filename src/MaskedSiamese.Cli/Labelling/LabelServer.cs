using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using MaskedSiamese.Labelling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MaskedSiamese.Cli.Labelling;

/// <summary>
/// The web server of <c>msn label</c> (ASP.NET Core, Kestrel): the page and its JSON API over one
/// <see cref="LabelServerState"/>. Every request must carry the token (query <c>token</c> or header
/// <c>X-Msn-Token</c>); images are served by their index in the session only; request bodies are bounded.
/// </summary>
internal static class LabelServer
{
    /// <summary>The largest request body accepted (an answer, or a page of accepted predictions).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>A new random token (32 bytes, hex): the only way into the page, as Jupyter's.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Builds the server, listening on <paramref name="address"/>:<paramref name="port"/> (0: any free
    /// port).</summary>
    public static WebApplication Build(LabelServerState state, IPAddress address, int port, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestLineSize = 4 * 1024;
        });
        var app = builder.Build();
        app.Use((context, next) => Authorised(context, token) ? next(context) : Refuse(context));
        LabelApi.Map(app, state, token);
        return app;
    }

    /// <summary>The address the server listens on, once started.</summary>
    public static Uri Address(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    private static bool Authorised(HttpContext context, string token)
    {
        string? given = context.Request.Query["token"].FirstOrDefault()
            ?? context.Request.Headers["X-Msn-Token"].FirstOrDefault();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given),
            Encoding.ASCII.GetBytes(token));
    }

    private static Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("msn label: missing or wrong token (open the address msn label printed)\n");
    }

    /// <summary>A file of the page (HTML, JS, CSS) shipped inside msn.</summary>
    public static string PageFile(string name)
    {
        using var stream = Assembly.GetExecutingAssembly()
            .GetManifestResourceStream("MaskedSiamese.Cli.Labelling.Page." + name)
            ?? throw new InvalidOperationException($"page file {name} is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
