using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// All-reductions inside the autograd graph. <see cref="MeanIdentityGradient"/> is the official <c>AllReduce</c>
/// (<c>utils.py</c>: mean in forward, identity in backward, which with DDP's gradient averaging gives the exact global
/// gradient; used for ME-MAX's mean probabilities). <see cref="Sum"/> sums in forward and sums the gradients in
/// backward (what synchronised BatchNorm's statistics need). On one process both return their input.
/// </summary>
public static class CollectiveAutograd
{
    /// <summary>The mean of <paramref name="x"/> over the processes; its backward passes the gradient
    /// unchanged.</summary>
    public static Tensor MeanIdentityGradient(Tensor x, ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(collective);
        return collective.WorldSize == 1 ? x : AllReduceFunction.apply(x, collective, false);
    }

    /// <summary>The sum of <paramref name="x"/> over the processes; its backward sums the gradients likewise.</summary>
    public static Tensor Sum(Tensor x, ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(collective);
        return collective.WorldSize == 1 ? x : AllReduceFunction.apply(x, collective, true);
    }

    private sealed class AllReduceFunction : autograd.SingleTensorFunction<AllReduceFunction>
    {
        private const string SettingsKey = "settings";

        public override string Name => "MsnAllReduce";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, collective, sum) = ((Tensor)vars[0], (ICollective)vars[1], (bool)vars[2]);
            ctx.save_data(SettingsKey, (collective, sum));
            var y = x.detach().clone();
            if (sum) collective.AllReduceSum(y);
            else collective.AllReduceMean(y);
            return y;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var (collective, sum) = ((ICollective, bool))ctx.get_data(SettingsKey);
            var grad = grad_output.clone();
            if (sum) collective.AllReduceSum(grad);
            return [grad, null!, null!];
        }
    }
}
