using System.Runtime.CompilerServices;
using MaskedSiamese.Models.Layers;
using MaskedSiamese.Platform;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Platform;

public sealed class SignalStackTests(ITestOutputHelper output)
{
    /// <summary>A fresh .NET thread's alternate signal stack is .NET's 16 KiB; after a bf16 product it is at least
    /// <see cref="SignalStack.RequiredBytes"/>, and a float32 product leaves it alone.</summary>
    [LinuxFact]
    public void A_bf16_product_gives_its_thread_an_alternate_stack_with_room_for_tile_frames()
    {
        var (fp32Before, fp32After) = OnNewThread(ScalarType.Float32, nullReferences: 0);
        var (bf16Before, bf16After) = OnNewThread(ScalarType.BFloat16, nullReferences: 0);
        output.WriteLine($"required {SignalStack.RequiredBytes} B; fp32 thread {fp32Before} -> {fp32After} B; " +
                         $"bf16 thread {bf16Before} -> {bf16After} B");

        Assert.True(bf16Before > 0, "a .NET thread has an alternate signal stack");
        Assert.Equal(fp32Before, fp32After);
        Assert.True(bf16After >= SignalStack.RequiredBytes, $"bf16 thread's stack {bf16After} B");
        Assert.True(SignalStack.RequiredBytes >= SignalStack.FloorBytes);
    }

    /// <summary>The failure the stack prevents: on a CPU with AMX, a NullReferenceException caught after a bf16 product
    /// on the same thread killed the process (SIGSEGV handled on a stack too small for the tile state: the test host
    /// dies, exit 139). Elsewhere it passes either way.</summary>
    [Fact]
    public void Null_references_caught_after_bf16_products_on_the_same_thread_do_not_kill_the_process()
    {
        OnNewThread(ScalarType.BFloat16, nullReferences: 100);   // asserts all 100 were caught
    }

    /// <summary>The attention's products take tensors already in bf16, without a cast of their own: it too gives the
    /// thread its stack (a test calling it alone, then a fuzz replay catching NullReferenceExceptions on the same xUnit
    /// thread, crashed the suite's host on the AMX host).</summary>
    [LinuxFact]
    public void Bf16_attention_alone_gives_its_thread_the_stack()
    {
        long after = 0;
        var thread = new Thread(() =>
        {
            using var scope = NewDisposeScope();
            var q = torch.randn(2, 3, 65, 64).to(ScalarType.BFloat16);
            LowPrecision.Attention(q, q, q);
            after = SignalStack.CurrentSizeBytes();
        });
        thread.Start();
        thread.Join();
        Assert.True(after >= SignalStack.RequiredBytes, $"thread's stack {after} B after bf16 attention");
    }

    private static (long Before, long After) OnNewThread(ScalarType compute, int nullReferences)
    {
        long before = 0, after = 0;
        int caught = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                before = SignalStack.CurrentSizeBytes();
                using (var scope = NewDisposeScope())
                {
                    var x = torch.randn(256, 512);
                    var w = torch.randn(512, 512);
                    for (int i = 0; i < 3; i++) LowPrecision.Linear(x, w, null, compute);
                }
                after = SignalStack.CurrentSizeBytes();
                string? missing = null;
                for (int i = 0; i < nullReferences; i++)
                {
                    try { LengthOf(missing); }
                    catch (NullReferenceException) { caught++; }
                }
            }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        Assert.Equal(nullReferences, caught);
        return (before, after);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LengthOf(string? text) => text!.Length;
}
