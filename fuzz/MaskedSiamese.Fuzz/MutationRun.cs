using System.Diagnostics;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// In-process fuzzing without AFL++: each seed, then <c>mutations</c> seeded mutations of it (<see cref="Mutator"/>),
/// through one <see cref="FuzzContract"/>. The tests run it with a few dozen mutations per seed; <c>msn-fuzz mutate</c>
/// runs it for as many as asked. Valid seeds (<see cref="FuzzCorpus.ValidPrefix"/>) must be accepted.
/// </summary>
public static class MutationRun
{
    /// <summary>Runs <paramref name="target"/> over <paramref name="seeds"/> and their mutations.</summary>
    /// <param name="target">The target.</param>
    /// <param name="seeds">Seeds by file name.</param>
    /// <param name="mutations">Mutations per seed.</param>
    /// <param name="seed">Seeds the mutators (each seed's mutator adds its index).</param>
    /// <param name="contract">Judges every input.</param>
    /// <param name="onFinding">Gets each input that broke the contract, with how; the run goes on.</param>
    public static MutationReport Run(FuzzTarget target, IReadOnlyList<(string Name, byte[] Bytes)> seeds, int mutations,
        int seed, FuzzContract contract, Action<string, byte[], FuzzFindingException> onFinding)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(onFinding);
        var clock = Stopwatch.StartNew();
        long accepted = 0, refused = 0, findings = 0, maxAllocated = 0, executions = 0;
        var pool = seeds.Select(s => s.Bytes).ToList();
        void Judge(string name, byte[] input, bool mustAccept)
        {
            executions++;
            try
            {
                var outcome = contract.Run(target, input);
                if (mustAccept && !outcome.Accepted)
                    throw new FuzzFindingException($"{target}: the valid seed {name} was refused: {outcome.Refusal}");
                maxAllocated = Math.Max(maxAllocated, outcome.AllocatedBytes);
                if (outcome.Accepted) accepted++;
                else refused++;
            }
            catch (FuzzFindingException e)
            {
                findings++;
                onFinding(name, input, e);
            }
        }
        for (int s = 0; s < seeds.Count; s++)
        {
            var (name, bytes) = seeds[s];
            Judge(name, bytes, name.StartsWith(FuzzCorpus.ValidPrefix, StringComparison.Ordinal));
            var mutator = new Mutator(unchecked(seed * 7919 + s));
            for (int m = 0; m < mutations; m++)
                Judge($"{name}~{seed}.{m}", mutator.Mutate(bytes, pool), mustAccept: false);
        }
        return new MutationReport(target.Name, executions, accepted, refused, findings, maxAllocated, clock.Elapsed);
    }
}
