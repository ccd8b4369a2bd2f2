using MaskedSiamese.Fuzz;
using Xunit.Abstractions;

namespace MaskedSiamese.Tests.Fuzz;

/// <summary>
/// Issue 16, "keep it so": every reader of user files meets its contract (a valid result or a typed refusal, bounded
/// memory) on the committed seed corpus (<c>fuzz/corpus/TARGET</c>) and on a fixed set of seeded mutations of each
/// seed, through the same targets that AFL++ runs (scripts/fuzz.sh). Seconds in all: the long runs are AFL++'s.
/// </summary>
public sealed class FuzzReplayTests(ITestOutputHelper output)
{
    /// <summary>Mutations per seed in CI: enough to pass through each mutation kind many times per seed.</summary>
    private const int MutationsPerSeed = 60;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_committed_seeds_and_their_seeded_mutations_meet_the_contract(string name)
    {
        var target = FuzzTargets.Get(name);
        var seeds = FuzzCorpus.Load(name);
        Assert.Contains(seeds, s => s.Name.StartsWith(FuzzCorpus.ValidPrefix, StringComparison.Ordinal));
        var findings = new List<string>();
        using var contract = new FuzzContract();

        var report = MutationRun.Run(target, seeds, MutationsPerSeed, seed: 16, contract,
            (input, _, e) => findings.Add(
                $"{input}: {e.Message} [{e.InnerException?.StackTrace?.Split('\n')[0].Trim()}]"));

        output.WriteLine(report.ToString());
        Assert.Empty(findings);
        Assert.Equal(seeds.Count * (MutationsPerSeed + 1L), report.Executions);
        // The valid seeds were accepted (MutationRun requires it), and for targets that can refuse, the mutations
        // reached the refusals rather than all being read alike.
        Assert.True(report.Accepted >= seeds.Count(s =>
            s.Name.StartsWith(FuzzCorpus.ValidPrefix, StringComparison.Ordinal)));
        if (target.Refusals.Count > 0) Assert.True(report.Refused > 0, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_seed_generator_still_makes_valid_inputs(string name)
    {
        // The committed seeds were written by `msn-fuzz seeds`; this keeps the generator (and so a regenerated
        // corpus) in step with the readers.
        var target = FuzzTargets.Get(name);
        using var contract = new FuzzContract();
        foreach (var (file, bytes) in SeedCorpus.For(name))
        {
            var outcome = contract.Run(target, bytes);
            Assert.True(outcome.Accepted, $"{file}: {outcome.Refusal}");
            Assert.True(File.Exists(Path.Combine(FuzzCorpus.Root, name, file)),
                $"{file} is not in the committed corpus");
        }
    }
}
