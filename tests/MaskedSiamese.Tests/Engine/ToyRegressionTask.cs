using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Engine;

/// <summary>A second task for <see cref="TrainingLoop"/>: least squares y = X·w by SGD, batches drawn from (seed,
/// step), state = (w, step) in a small binary checkpoint. Optionally reports a NaN loss at one step.</summary>
internal sealed class ToyRegressionTask(int stepsPerEpoch, int epochs, long? nanAtStep = null)
    : ITrainingTask<ToyRegressionTask.Batch>, IDisposable
{
    private const int Dim = 4;
    private static readonly float[] TrueWeights = [1f, -2f, 0.5f, 3f];
    private Tensor _w = zeros(Dim);

    public string Title => "toy regression";

    public long StepsPerEpoch => stepsPerEpoch;

    public long TotalSteps => (long)stepsPerEpoch * epochs;

    public int Starts { get; private set; }

    public float[] Weights => _w.data<float>().ToArray();

    public TrainingState Start(string? checkpoint)
    {
        Starts++;
        if (checkpoint is null) return new TrainingState(0, torch.get_num_threads());
        using var reader = new BinaryReader(File.OpenRead(checkpoint));
        long step = reader.ReadInt64();
        int threads = reader.ReadInt32();
        var w = new float[Dim];
        for (int i = 0; i < Dim; i++) w[i] = reader.ReadSingle();
        _w.Dispose();
        _w = tensor(w);
        return new TrainingState(step, threads);
    }

    public IEnumerable<Batch> ReadBatches(long fromStep, CancellationToken cancellation)
    {
        for (long step = fromStep; ; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var g = new Generator((ulong)(1000 + step));
            var x = randn(16, Dim, generator: g);
            var y = x.matmul(tensor(TrueWeights));
            yield return new Batch(x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
        }
    }

    public StepResult RunStep(Batch batch, long globalStep, StepProfile? profile)
    {
        using var scope = NewDisposeScope();
        var residual = batch.X.matmul(_w).sub(batch.Y);
        double loss = globalStep == nanAtStep ? double.NaN : residual.square().mean().item<float>();
        if (!double.IsFinite(loss)) return new StepResult(loss, 16, [new("loss", loss)]);
        using var twiceMean = (2.0 / 16).ToScalar();
        using var rate = 0.1.ToScalar();
        var grad = batch.X.t().matmul(residual).mul(twiceMean);
        _w.sub_(grad.mul(rate));
        return new StepResult(loss, 16, [new("loss", loss), new("w_norm", _w.norm().item<float>())]);
    }

    public void SaveCheckpoint(string path, TrainingState state) =>
        AtomicFile.Write(path, s =>
        {
            using var writer = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(state.Step);
            writer.Write(state.Threads);
            foreach (var v in Weights) writer.Write(v);
        });

    public void WriteReports(string runFolder, string logCsvPath) =>
        File.WriteAllText(Path.Combine(runFolder, "report.txt"), $"{RunLog.ReadCsv(logCsvPath).Count} rows");

    public void Dispose() => _w.Dispose();

    internal sealed record Batch(Tensor X, Tensor Y) : IDisposable
    {
        public void Dispose()
        {
            X.Dispose();
            Y.Dispose();
        }
    }
}
