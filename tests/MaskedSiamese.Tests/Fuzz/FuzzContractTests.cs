using MaskedSiamese.Checkpoints;
using MaskedSiamese.Fuzz;

namespace MaskedSiamese.Tests.Fuzz;

/// <summary>The harness itself: it must tell a refusal from a finding, and see memory beyond its bound.</summary>
public sealed class FuzzContractTests
{
    private static FuzzTarget Fake(Action<string> read) =>
        new("fake", "input.bin", read, [typeof(CheckpointFormatException)]);

    [Fact]
    public void A_typed_refusal_is_an_outcome_and_any_other_exception_a_finding()
    {
        using var contract = new FuzzContract();

        var refused = contract.Run(Fake(p => throw new CheckpointFormatException($"{p}: bad")), [1, 2, 3]);
        Assert.False(refused.Accepted);
        Assert.StartsWith("CheckpointFormatException: ", refused.Refusal, StringComparison.Ordinal);

        var accepted = contract.Run(Fake(p => Assert.Equal(3, File.ReadAllBytes(p).Length)), [1, 2, 3]);
        Assert.True(accepted.Accepted);

        // What a reader's own bug throws: here an index past an array's end.
        var e = Assert.Throws<FuzzFindingException>(() => contract.Run(Fake(p => _ = File.ReadAllBytes(p)[5]), [1]));
        Assert.IsType<IndexOutOfRangeException>(e.InnerException);
        Assert.Throws<FuzzFindingException>(() =>
            contract.Run(Fake(_ => throw new CheckpointFormatException(" ")), [1]));
        Assert.Equal(4, contract.Executions);
    }

    [Fact]
    public void An_input_that_costs_more_than_the_bound_is_a_finding()
    {
        using var contract = new FuzzContract();
        byte[]? kept = null;
        var e = Assert.Throws<FuzzFindingException>(() =>
            contract.Run(Fake(_ => kept = new byte[FuzzContract.MemoryBound + (1 << 20)]), [0]));
        Assert.Contains("allocated", e.Message, StringComparison.Ordinal);
        Assert.NotNull(kept);
    }

    [Fact]
    public void Mutations_follow_their_seed()
    {
        byte[] input = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];
        byte[][] pool = [input, [9, 9, 9]];
        var a = Enumerable.Range(0, 20).Select(_ => new Mutator(5)).Select(m => m.Mutate(input, pool)).ToList();
        var first = new Mutator(5);
        var run = Enumerable.Range(0, 50).Select(_ => first.Mutate(input, pool)).ToList();
        var second = new Mutator(5);
        Assert.All(run, bytes => Assert.Equal(bytes, second.Mutate(input, pool)));
        var other = new Mutator(6);
        Assert.Contains(run, bytes => !bytes.SequenceEqual(other.Mutate(input, pool)));
        Assert.Contains(run, bytes => !bytes.SequenceEqual(input));
        Assert.All(a, bytes => Assert.Equal(a[0], bytes));
    }
}
