using MaskedSiamese.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Engine;

/// <summary>
/// Several "processes" as threads of this one, exchanging tensors through shared slots and a barrier: a real
/// collective for tests, in which every rank holds different data. <see cref="Run"/> starts one thread per rank.
/// </summary>
internal sealed class InProcessCollective
{
    private readonly Barrier _barrier;
    private readonly Tensor?[] _slots;

    private InProcessCollective(int worldSize)
    {
        _barrier = new Barrier(worldSize);
        _slots = new Tensor?[worldSize];
    }

    /// <summary>Runs <paramref name="body"/> once per rank, each on its own thread with its own collective view, and
    /// returns the results by rank.</summary>
    public static T[] Run<T>(int worldSize, Func<ICollective, T> body)
    {
        var shared = new InProcessCollective(worldSize);
        var results = new T[worldSize];
        var errors = new Exception?[worldSize];
        var threads = Enumerable.Range(0, worldSize).Select(rank => new Thread(() =>
        {
            try { results[rank] = body(new RankView(shared, rank)); }
            catch (Exception e) { errors[rank] = e; shared._barrier.RemoveParticipant(); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new AggregateException(error);
        return results;
    }

    private void Reduce(int rank, Tensor tensor, bool mean)
    {
        _slots[rank] = tensor.detach().clone().DetachFromDisposeScope();
        _barrier.SignalAndWait();
        using (var total = _slots.Aggregate(zeros_like(tensor), (sum, t) => sum.add(t!, KeptScalars.One)))
        {
            using var worldSize = _slots.Length.ToScalar();
            if (mean) total.div_(worldSize);
            using var noGrad = torch.no_grad();
            tensor.copy_(total);
        }
        _barrier.SignalAndWait();
        _slots[rank]!.Dispose();
    }

    private void Broadcast(int rank, Tensor tensor, int root)
    {
        if (rank == root) _slots[root] = tensor.detach().clone().DetachFromDisposeScope();
        _barrier.SignalAndWait();
        using (torch.no_grad()) tensor.copy_(_slots[root]!);
        _barrier.SignalAndWait();
        if (rank == root) _slots[root]!.Dispose();
    }

    private sealed class RankView(InProcessCollective shared, int rank) : ICollective
    {
        public int Rank => rank;

        public int WorldSize => shared._slots.Length;

        public void AllReduceSum(Tensor tensor) => shared.Reduce(rank, tensor, mean: false);

        public void AllReduceMean(Tensor tensor) => shared.Reduce(rank, tensor, mean: true);

        public void Broadcast(Tensor tensor, int root = 0) => shared.Broadcast(rank, tensor, root);
    }
}
