using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace MaskedSiamese.Tests.Packaging;

/// <summary>
/// The NuGet packages as users get them (README "Get it"): <c>dotnet pack</c> of the solution, then a consumer
/// project restored from the folder feed that runs a ViT forward pass through the library package, and the tool
/// installed from the feed into a temporary tool path that prints its version and pretrains two steps.
/// </summary>
[Trait("Category", TestCategories.Packaging)]
public sealed class NuGetPackageTests : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan RestoreBuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ToolInstallTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    /// <summary>nuget.org refuses packages over 250 MB.</summary>
    private const long GalleryLimitBytes = 250L * 1024 * 1024;

    private readonly PackedPackages _packages;
    private readonly ITestOutputHelper _log;

    /// <summary>Gets the packed feed (packed once for the class).</summary>
    public NuGetPackageTests(PackedPackages packages, ITestOutputHelper log)
    {
        _packages = packages;
        _log = log;
        if (packages.Pack is { } pack) log.WriteLine($"dotnet pack: {pack.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Environment of every child: NuGet writes into this run's packages folder only.</summary>
    private Dictionary<string, string?> ChildEnvironment() => new() { ["NUGET_PACKAGES"] = _packages.IsolatedPackages };

    private static XDocument Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e =>
            e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static IEnumerable<XElement> Named(XDocument doc, string name) =>
        doc.Descendants().Where(e => e.Name.LocalName == name);

    [Fact]
    public void Packages_carry_version_readme_notices_symbols_the_Debian_fix_and_leave_libtorch_to_the_application()
    {
        string libraryPath = _packages.Package("MaskedSiamese", "nupkg");
        using (var library = ZipFile.OpenRead(libraryPath))
        {
            var nuspec = Nuspec(library);
            Assert.Equal(_packages.Version, Named(nuspec, "version").Single().Value);
            Assert.Equal("README.md", Named(nuspec, "readme").Single().Value);
            Assert.Equal("MIT", Named(nuspec, "license").Single().Value);
            var dependencies = Named(nuspec, "dependency").Select(d => (string)d.Attribute("id")!).ToList();
            Assert.Contains("TorchSharp", dependencies);
            Assert.DoesNotContain(dependencies, d => d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase)
                                                     || d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
            var files = library.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", files);
            Assert.Contains("THIRD-PARTY-NOTICES.md", files);
            Assert.Contains("lib/net10.0/MaskedSiamese.dll", files);
            Assert.Contains("lib/net10.0/MaskedSiamese.xml", files);   // XML docs for IntelliSense
            Assert.Contains("buildTransitive/MaskedSiamese.targets", files);
            Assert.DoesNotContain(files, f => f.EndsWith(".so", StringComparison.Ordinal));
            using var targets = new StreamReader(library.GetEntry("buildTransitive/MaskedSiamese.targets")!.Open());
            Assert.Contains("GLIBCXX_3.4.32", targets.ReadToEnd(), StringComparison.Ordinal);
        }
        using (var symbols = ZipFile.OpenRead(_packages.Package("MaskedSiamese", "snupkg")))
            Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/MaskedSiamese.pdb");

        using (var pointer = ZipFile.OpenRead(_packages.Package("MaskedSiamese.Tool", "nupkg")))
        {
            var nuspec = Nuspec(pointer);
            Assert.Contains(Named(nuspec, "packageType"), t => (string?)t.Attribute("name") == "DotnetTool");
            Assert.Equal("README.md", Named(nuspec, "readme").Single().Value);
            Assert.DoesNotContain(pointer.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
        }
        string toolPath = _packages.Package("MaskedSiamese.Tool.linux-x64", "nupkg");
        long toolBytes = new FileInfo(toolPath).Length;
        _log.WriteLine($"MaskedSiamese.Tool.linux-x64: {toolBytes / 1e6:F1} MB; MaskedSiamese: " +
            $"{new FileInfo(libraryPath).Length / 1e6:F2} MB");
        Assert.True(toolBytes < GalleryLimitBytes, $"the tool package has {toolBytes} bytes, over nuget.org's 250 MB");
        using (var tool = ZipFile.OpenRead(toolPath))
        {
            var files = tool.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("tools/net10.0/linux-x64/msn.dll", files);
            // the licences of the libtorch, ONNX Runtime and SkiaSharp binaries it carries
            Assert.Contains("THIRD-PARTY-NOTICES.md", files);
            // TorchSharp-cpu's libtorch travels with it
            Assert.Contains("tools/net10.0/linux-x64/libtorch_cpu.so", files);
            Assert.Contains("tools/net10.0/linux-x64/libLibTorchSharp.so", files);
            Assert.DoesNotContain(files, f =>
                f.Contains("/win-", StringComparison.Ordinal) || f.Contains("/osx-", StringComparison.Ordinal)
                || f.EndsWith(".dll", StringComparison.Ordinal)
                   && Path.GetFileName(f).StartsWith("onnxruntime", StringComparison.Ordinal));
            // libtorch's Python binding and test libraries are left out (msn never loads them; the pretrain test below
            // shows that libtorch still loads).
            Assert.DoesNotContain("tools/net10.0/linux-x64/libtorch_python.so", files);
            Assert.DoesNotContain("tools/net10.0/linux-x64/libtorchbind_test.so", files);
        }
        using (var toolSymbols = ZipFile.OpenRead(_packages.Package("MaskedSiamese.Tool.linux-x64", "snupkg")))
            Assert.Contains(toolSymbols.Entries, e => e.FullName.EndsWith("/msn.pdb", StringComparison.Ordinal));
    }

    [Fact]
    public void A_consumer_restores_the_library_from_a_folder_feed_and_runs_a_ViT_forward_pass()
    {
        string consumer = Directory.CreateDirectory(Path.Combine(_packages.Root, "consumer")).FullName;
        // A plain application outside the repository (no Directory.Build.props, no central versions): the library
        // from the folder feed, the CPU libtorch chosen by the application itself.
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MaskedSiamese" Version="{_packages.Version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using System.Globalization;
            using MaskedSiamese.Models;
            using TorchSharp;

            using var vit = new VisionTransformer(new VitOptions(16, 4, 32, 2, 2), null, new torch.Generator(7));
            vit.eval();
            using var noGrad = torch.no_grad();
            using var images = torch.linspace(-1, 1, 2 * 3 * 16 * 16).reshape(2, 3, 16, 16);
            using var features = vit.ForwardBlocks(images, 1);
            Console.WriteLine("shape " + string.Join(",", features.shape));
            Console.WriteLine("values " + string.Join(" ", features.data<float>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            """);
        // The folder feed comes first; the machine's own feed (user-level nuget.config) stays for anything else.
        // Dependencies are read in place from the machine's packages folder (a fallback folder): no second copy of
        // libtorch, and nothing of this test lands there.
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="msn-test-feed" value="{_packages.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{PackedPackages.MachinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        // On Debian 12 (libstdc++ up to GLIBCXX_3.4.30) the forward pass below loads libLibTorchSharp.so only if the
        // package's buildTransitive targets patched the copy in this build's output.
        var build = ChildProcess.Run("dotnet", ["build", "-c", "Release", "-nodeReuse:false"], consumer,
            RestoreBuildTimeout, ChildEnvironment()).EnsureSuccess();
        _log.WriteLine($"consumer restore + build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(Directory.Exists(Path.Combine(_packages.IsolatedPackages, "maskedsiamese", _packages.Version)),
            "the consumer did not restore MaskedSiamese " + _packages.Version + " from the feed:\n" + build.Tail());

        string exe = Path.Combine(consumer, "bin", "Release", "net10.0", "linux-x64", "Consumer.dll");
        var run = ChildProcess.Run("dotnet", [exe], consumer, RunTimeout, ChildEnvironment()).EnsureSuccess();
        _log.WriteLine($"consumer forward: {run.Elapsed.TotalSeconds:F1} s");

        string Line(string prefix) =>
            run.Output.Split('\n').Select(l => l.TrimEnd('\r'))
                .FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"the consumer printed no '{prefix}' line:\n{run.Tail()}");
        Assert.Equal("shape 2,32", Line("shape "));
        float[] packaged = Line("values ")["values ".Length..].Split(' ')
            .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        // The same model and input in this process (the library built from source): the package computes the same.
        using var draws7 = new torch.Generator(7);
        using var vit = new VisionTransformer(new VitOptions(16, 4, 32, 2, 2), null, draws7);
        vit.eval();
        using var noGrad = torch.no_grad();
        using var images = torch.linspace(-1, 1, 2 * 3 * 16 * 16).reshape(2, 3, 16, 16);
        using var features = vit.ForwardBlocks(images, 1);
        float[] expected = features.data<float>().ToArray();
        Assert.Equal(expected.Length, packaged.Length);
        Assert.All(packaged, v => Assert.True(float.IsFinite(v)));
        Assert.True(expected.Select(Math.Abs).Max() > 0);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - packaged[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])),
                $"feature {i}: package {packaged[i]}, source {expected[i]}");
    }

    [Fact]
    public void The_tool_installs_from_a_folder_feed_prints_its_version_and_pretrains_two_steps()
    {
        string toolPath = Path.Combine(_packages.Root, "tools");
        string work = Directory.CreateDirectory(Path.Combine(_packages.Root, "tool-work")).FullName;
        var install = ChildProcess.Run("dotnet",
            ["tool", "install", "MaskedSiamese.Tool", "--version", _packages.Version, "--tool-path", toolPath,
             "--add-source", _packages.Feed],
            work, ToolInstallTimeout, ChildEnvironment()).EnsureSuccess();
        _log.WriteLine($"tool install: {install.Elapsed.TotalSeconds:F1} s");

        string msn = Path.Combine(toolPath, "msn");
        Assert.True(File.Exists(msn), $"no {msn} after the install:\n{install.Tail()}");
        var version = ChildProcess.Run(msn, ["--version"], work, RunTimeout, ChildEnvironment()).EnsureSuccess();
        // System.CommandLine prints the informational version: the package version, then "+commit" when built from git.
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(_packages.Version) + @"(\+[0-9a-f]+)?\s*$",
            version.Output);

        string run = Path.Combine(work, "run");
        var pretrain = ChildProcess.Run(msn,
            ["pretrain", "--config", "smoke", "--max-steps", "2", "--no-eval", "-o", run], work, RunTimeout,
            ChildEnvironment()).EnsureSuccess();
        _log.WriteLine($"installed msn pretrain (2 steps): {pretrain.Elapsed.TotalSeconds:F1} s");
        var rows = RunLog.ReadCsv(Path.Combine(run, "smoke.csv"));
        Assert.Equal([0.0, 1.0], rows.Select(r => r["step"]));
        Assert.All(rows, r => Assert.True(double.IsFinite(r["loss"]), $"loss {r["loss"]}"));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "smoke-latest.safetensors")),
            "no checkpoint after two steps:\n" + pretrain.Tail());
    }
}
