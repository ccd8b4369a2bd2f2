using System.Diagnostics;

namespace MaskedSiamese.Tests.Packaging;

/// <summary>
/// Runs the README's <c>dotnet pack</c> once for the package tests, with a version of its own
/// (<c>0.0.0-test.g&lt;guid&gt;</c>) so that no NuGet cache can answer with a package of an earlier run, into a
/// temporary folder feed; build outputs go to a temporary artifacts folder, so the repository's own bin/ and obj/
/// are not touched. Everything it writes is deleted at the end.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    /// <summary>Time limit for <c>dotnet pack</c> (a cold build of the library and of msn for linux-x64, the tool's
    /// publish and its ~150 MB archive: 85 s on two otherwise idle cores; the limit leaves room for a loaded machine).
    /// One pack for all packages costs less than one per project (a second restore and evaluation) and, on two
    /// cores, less than overlapping the tool's pack with the consumer's build, which was tried.</summary>
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);

    /// <summary>Creates the feed: packs the solution.</summary>
    public PackedPackages()
    {
        Root = Directory.CreateTempSubdirectory("msn-nuget-").FullName;
        try
        {
            Version = "0.0.0-test.g" + Guid.NewGuid().ToString("N");
            Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
            IsolatedPackages = Path.Combine(Root, "packages");
            RepositoryRoot = FindRepositoryRoot();
            // RunAnalyzers=false only skips the code-style and analyzer passes (the suite's own build runs them);
            // the compiled output is the same.
            Pack = ChildProcess.Run("dotnet",
                ["pack", Path.Combine(RepositoryRoot, "MaskedSiamese.slnx"), "-c", "Release", "-nodeReuse:false",
                 "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={Version}",
                 $"-p:PackageOutputPath={Feed}/", "-p:RunAnalyzers=false"],
                RepositoryRoot, PackTimeout).EnsureSuccess();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Temporary folder holding the feed, build outputs, consumers and installs.</summary>
    public string Root { get; }

    /// <summary>The packages' version, unique to this run.</summary>
    public string Version { get; } = "";

    /// <summary>The local folder feed with the packed .nupkg and .snupkg files.</summary>
    public string Feed { get; } = "";

    /// <summary>A packages folder of this run only (NUGET_PACKAGES of the children), so the test packages never land in
    /// the machine's global packages folder; that folder still serves every dependency as a fallback folder.</summary>
    public string IsolatedPackages { get; } = "";

    /// <summary>The folder with MaskedSiamese.slnx.</summary>
    public string RepositoryRoot { get; } = "";

    /// <summary>The <c>dotnet pack</c> run (its output and duration).</summary>
    public ChildProcess.Result? Pack { get; }

    /// <summary>The machine's global packages folder, where the suite's own restore put TorchSharp-cpu and the
    /// rest.</summary>
    public static string MachinePackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Path of a packed file of this run, e.g. <c>Package("MaskedSiamese", "nupkg")</c>.</summary>
    public string Package(string id, string extension)
    {
        string path = Path.Combine(Feed, $"{id}.{Version}.{extension}");
        Assert.True(File.Exists(path), $"dotnet pack wrote no {Path.GetFileName(path)}; the feed holds: " +
            string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName)));
        return path;
    }

    /// <summary>Deletes everything this run wrote.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Trace.WriteLine($"could not delete {Root}: {e.Message}");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskedSiamese.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no MaskedSiamese.slnx above {AppContext.BaseDirectory}");
    }
}
