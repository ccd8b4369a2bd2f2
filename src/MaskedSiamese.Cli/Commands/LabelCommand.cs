using System.CommandLine;
using System.Net;
using MaskedSiamese.Cli.Labelling;
using MaskedSiamese.Labelling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn label</c>: a local web page to label a folder of images, the most useful first, and get a
/// classifier back.</summary>
internal static class LabelCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder")
        {
            Description = "The folder of images to label (walked recursively).",
        };
        var checkpoint = new Option<FileInfo?>("--checkpoint", "-c")
        {
            Description = "Checkpoint whose target encoder's features choose the images and make the classifier " +
                "(needed the first time).",
        };
        var classes = new Option<string?>("--classes")
        {
            Description = "Class names, comma-separated, in key order (1, 2, …); later runs may add " +
                "classes at the end.",
        };
        var project = new Option<DirectoryInfo?>("--project")
        {
            Description = "Folder of the labelling project (answers, features, thumbnails, export). Default: " +
                "FOLDER.labels beside the images.",
        };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (default 127.0.0.1: this machine only).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port")
        {
            Description = "Port (default 0: any free port; the address is printed).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("label", "Label a folder of images in a local web page: the most useful images " +
            "first, a classifier refitted after every label, predictions to accept or correct in bulk, and an export " +
            "to labels.csv, class folders and classifier.msnc.")
        {
            folder, checkpoint, classes, project, host, port,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var address = ParseHost(parse.GetValue(host)!);
            int portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535) throw new UserInputException($"--port {portNumber}: must be 0–65535");
            var images = parse.GetValue(folder)!;
            if (!images.Exists) throw new UserInputException($"{images.FullName}: folder not found");
            var names = parse.GetValue(classes)?.Split(',').Select(c => c.Trim()).ToList();
            string projectFolder = parse.GetValue(project)?.FullName
                ?? LabellingProject.DefaultFolderFor(images.FullName);
            var opened = LabellingProject.Open(projectFolder, images.FullName, parse.GetValue(checkpoint)?.FullName,
                names);
            using var state = new LabelServerState(opened, opened.Index(Console.Error));
            string token = LabelServer.NewToken();
            await using var app = LabelServer.Build(state, address, portNumber, token);
            try
            {
                await app.StartAsync(cancellation);
            }
            catch (IOException e)
            {
                throw new UserInputException($"--host {address} --port {portNumber}: cannot listen ({e.Message})");
            }
            var url = LabelServer.Address(app);
            Console.WriteLine($"msn label: {state.Images.Count} images of {opened.Settings.Images}, project " +
                $"{opened.Folder}");
            if (!IPAddress.IsLoopback(address))
                Console.Error.WriteLine($"msn label: listening on {address}, not only this machine: anyone who " +
                    $"can reach it and has the token can label");
            Console.WriteLine($"msn label: open {url.Scheme}://{url.Authority}/?token={token}  (Ctrl+C stops; " +
                $"every answer is already saved)");
            Console.Out.Flush();
            state.StartPreparing(cancellation);
            await app.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }

    private static IPAddress ParseHost(string host)
    {
        if (host == "localhost") return IPAddress.Loopback;
        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new UserInputException($"--host {host}: not an IP address");
    }
}
