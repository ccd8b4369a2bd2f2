using System.Globalization;
using SharpFuzz;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// <c>msn-fuzz</c>: the harness's command line.
/// <list type="bullet">
/// <item><c>afl TARGET</c>: the AFL++ entry point (scripts/fuzz.sh starts it under afl-fuzz); an input that breaks the
/// contract is thrown out of the SharpFuzz loop, which AFL++ records as a crash.</item>
/// <item><c>mutate TARGET [COUNT] [SEED]</c>: the in-process mutation run over the committed corpus, COUNT mutations
/// per seed; inputs that break the contract go to <c>artifacts/fuzz/findings/TARGET/</c>. Exit 1 if any.</item>
/// <item><c>replay TARGET FILE…</c>: judges each file and prints the outcome (to reproduce a crash AFL++
/// found).</item>
/// <item><c>seeds [DIR]</c>: writes every target's generated seeds under DIR (default: the committed corpus).</item>
/// </list>
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        switch (args[0])
        {
            case "afl" when args.Length == 2:
                RunAfl(FuzzTargets.Get(args[1]));
                return 0;
            case "mutate" when args.Length is >= 2 and <= 4:
                return Mutate(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000,
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1);
            case "replay" when args.Length >= 3:
                return Replay(FuzzTargets.Get(args[1]), args[2..]);
            case "seeds" when args.Length <= 2:
                string root = args.Length == 2 ? args[1] : FuzzCorpus.Root;
                foreach (var target in FuzzTargets.All)
                    Console.WriteLine($"{target.Name}: {FuzzCorpus.WriteSeeds(target.Name, root)} seeds");
                return 0;
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: msn-fuzz afl TARGET | mutate TARGET [COUNT] [SEED] | " +
            "replay TARGET FILE... | seeds [DIR]");
        Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
        return 2;
    }

    // Out of process: SharpFuzz runs the loop in a child, so that a stack overflow (uncatchable in .NET) is a crash
    // AFL++ records rather than the end of the fuzzer. Nothing of the instrumented library may run before the loop
    // (its coverage counters point nowhere until SharpFuzz maps AFL's shared memory): the contract, which calls
    // into it, is made on the first input.
    private static void RunAfl(FuzzTarget target)
    {
        FuzzContract? contract = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            contract ??= new FuzzContract(measurePeakRss: true);
            contract.Run(target, copy.ToArray());
        });
    }

    private static int Mutate(string name, int count, int seed)
    {
        var targets = name == "all" ? FuzzTargets.All : [FuzzTargets.Get(name)];
        long findings = 0;
        foreach (var target in targets)
        {
            string findingsDir = Path.Combine(FuzzCorpus.Root, "..", "..", "artifacts", "fuzz", "findings",
                target.Name);
            using var contract = new FuzzContract(measurePeakRss: true);
            var report = MutationRun.Run(target, FuzzCorpus.Load(target.Name), count, seed, contract,
                (input, bytes, e) =>
                {
                    Directory.CreateDirectory(findingsDir);
                    string file = Path.Combine(findingsDir, $"finding-" +
                        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}");
                    File.WriteAllBytes(file, bytes);
                    Console.WriteLine($"FINDING {input} -> {file}: {e.Message}");
                });
            Console.WriteLine(report);
            findings += report.Findings;
        }
        return findings == 0 ? 0 : 1;
    }

    private static int Replay(FuzzTarget target, string[] files)
    {
        using var contract = new FuzzContract(measurePeakRss: true);
        int broken = 0;
        foreach (string file in files)
        {
            try
            {
                var outcome = contract.Run(target, File.ReadAllBytes(file));
                Console.WriteLine($"{file}: {(outcome.Accepted ? "accepted" : "refused: " + outcome.Refusal)} " +
                                  $"({outcome.AllocatedBytes >> 10} KiB allocated, " +
                                  $"peak RSS +{outcome.PeakRssGrowthBytes >> 20} MB)");
            }
            catch (FuzzFindingException e)
            {
                broken++;
                Console.WriteLine($"{file}: FINDING {e.Message}\n{e.InnerException}");
            }
        }
        return broken == 0 ? 0 : 1;
    }
}
