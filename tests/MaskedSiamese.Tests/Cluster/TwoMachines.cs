using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Cli;

namespace MaskedSiamese.Tests.Cluster;

/// <summary>
/// Two machines on this host, made by <c>scripts/cluster.sh</c>: node-a and node-b, each with its own network stack,
/// hostname and disk (seen on the node as <see cref="NodeDisk"/>, here as <see cref="Disk"/>), joined by a veth link.
/// MPI jobs start on node-a and reach node-b through the script's ssh stand-in, over TCP.
/// </summary>
public sealed class TwoMachines : IDisposable
{
    private static readonly string ScriptPath = Path.Combine(RepositoryRoot(), "scripts", "cluster.sh");
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"msn-cluster-{Environment.ProcessId}");

    /// <summary>Makes the machines.</summary>
    public TwoMachines()
    {
        if (WhyNot() is not null) return;   // the tests are skipped
        RemoveLeftovers();
        var (code, output) = Script("up");
        if (code != 0) throw new InvalidOperationException($"cluster.sh up exited {code}: {output}");
    }

    /// <summary>Each node's disk as the nodes see it (the same path on both, other contents).</summary>
    public string NodeDisk => Path.Combine(_state, "disk");

    /// <summary>The disk of <paramref name="node"/> as this host sees it.</summary>
    public string Disk(string node) => Path.Combine(_state, node, "disk");

    /// <summary>Why the machines cannot be made on this host, or null.</summary>
    public static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux network and mount namespaces";
        if (Environment.UserName != "root") return "needs root to make network namespaces (CAP_SYS_ADMIN, NET_ADMIN)";
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
            return "needs iproute2's ip";
        var (code, _) = Run("unshare", ["--net", "--mount", "true"]);
        return code == 0 ? null : "this host refuses new network namespaces (unshare --net: a container without " +
            "CAP_SYS_ADMIN?)";
    }

    /// <summary>Runs a cluster.sh command (kill, boot, cut, mend, ps, run …); its exit code and output.</summary>
    public (int Code, string Output) Script(params string[] args) => Run("bash", [ScriptPath, .. args], _state);

    /// <summary>The ids of the <c>msn</c> processes (ranks) now on <paramref name="node"/>; not the launcher, whose
    /// command line names msn too, nor <c>msn launch</c>.</summary>
    public IReadOnlyList<int> MsnProcesses(string node) => Processes(node)
        .Where(pid => ReadArguments(pid) is [var exe, var dll, var verb, ..] && Path.GetFileName(exe) == "dotnet" &&
            dll.EndsWith("msn.dll", StringComparison.Ordinal) && verb != "launch")
        .ToList();

    /// <summary>What runs on <paramref name="node"/>, one process a line with what it waits in (for failure
    /// messages).</summary>
    public string Describe(string node) => string.Join("\n", Processes(node)
        .Select(pid => $"  {pid} {string.Join(' ', ReadArguments(pid)).Trim()} [{Wchan(pid)}]"));

    private IEnumerable<int> Processes(string node) => Script("ps", node).Output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

    private static string Wchan(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/wchan"); }
        catch (IOException) { return "ended"; }
    }

    /// <summary>Starts <c>mpiexec</c> on node-a with one rank of <c>msn ARGS</c> on each machine, over TCP; under
    /// <c>msn launch</c> when <paramref name="supervised"/>.</summary>
    public MpiJob Start(IReadOnlyList<string> msnArgs, int collectiveTimeoutSeconds = 45, bool supervised = false)
    {
        string msn = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] supervisor = supervised ? ["dotnet", msn, "launch", "--"] : [];
        string[] command =
        [
            ScriptPath, "run", "node-a", .. supervisor, "mpiexec", "-f", Path.Combine(_state, "hostfile"), "-launcher",
            "ssh", "-launcher-exec", Path.Combine(_state, "ssh"), "-n", "2", "dotnet", msn,
        ];
        foreach (string a in command) start.ArgumentList.Add(a);
        foreach (string a in msnArgs) start.ArgumentList.Add(a);
        start.Environment["MSN_CLUSTER"] = _state;
        // The machines share one kernel: UCX would find shared memory between them through /proc. A cluster's
        // machines talk over the network, so the ranks are held to TCP on the link.
        start.Environment["UCX_TLS"] = "tcp,self";
        start.Environment["UCX_NET_DEVICES"] = "eth0";
        start.Environment["MSN_MPI_TIMEOUT"] = collectiveTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        start.Environment["MSN_CHECK_TENSOR_LIFETIMES"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return new MpiJob(Process.Start(start)!);
    }

    /// <summary>Removes the machines and their disks.</summary>
    public void Dispose()
    {
        if (WhyNot() is null) Script("down");
    }

    // A test host killed before its Dispose leaves its machines (their first processes wait forever): remove those
    // of processes that are gone.
    private static void RemoveLeftovers()
    {
        foreach (string state in Directory.GetDirectories(Path.GetTempPath(), "msn-cluster-*"))
            if (int.TryParse(Path.GetFileName(state)["msn-cluster-".Length..], out int pid) &&
                (pid == Environment.ProcessId || !Directory.Exists($"/proc/{pid}")))
                Run("bash", [ScriptPath, "down"], state);
    }

    private static string[] ReadArguments(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0'); }
        catch (IOException) { return []; }   // ended meanwhile
    }

    private static (int Code, string Output) Run(string file, string[] args, string? state = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        if (state is not null) start.Environment["MSN_CLUSTER"] = state;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "cluster.sh"))) return dir.FullName;
        throw new DirectoryNotFoundException("scripts/cluster.sh not found above " + AppContext.BaseDirectory);
    }
}
