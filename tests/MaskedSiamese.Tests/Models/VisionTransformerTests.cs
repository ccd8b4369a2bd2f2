using MaskedSiamese.Checkpoints;
using MaskedSiamese.Masking;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Models;

public sealed class VisionTransformerTests
{
    private static readonly VitOptions Tiny = new(ImageSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 2);

    [Theory]
    [InlineData("deit_small", 21.7)]
    [InlineData("deit_base", 85.8)]
    [InlineData("deit_large", 303.3)]
    public void Preset_trunk_parameter_counts_match_the_official_models(string name, double millions)
    {
        var (trunk, _, _) = new EncoderArchitecture(VitPresets.Get(name), null, null).ParameterCounts();
        Assert.Equal(millions, Math.Round(trunk / 1e6, 1));
    }

    [Fact]
    public void Parameter_count_formula_equals_the_built_model()
    {
        var arch = new EncoderArchitecture(VitPresets.Get("deit_tiny"), new ProjectionHeadOptions(256, 64), 10);
        using var model = arch.CreateEncoder();
        long actual = model.parameters().Sum(p => p.numel());
        var (trunk, head, _) = arch.ParameterCounts();
        Assert.Equal(actual, trunk + head);
    }

    [Fact]
    public void Every_official_factory_is_a_preset()
    {
        string[] official = ["deit_tiny", "deit_small", "deit_small_p8", "deit_small_p7", "deit_base", "deit_base_p8",
            "deit_base_p7", "deit_base_p4", "deit_large", "deit_large_p8", "deit_large_p7", "deit_huge", "deit_huge_p8",
            "deit_huge_p7", "deit_huge_p10"];
        Assert.Equal(official.OrderBy(x => x), VitPresets.Names.OrderBy(x => x));
        Assert.Equal(4, VitPresets.Get("deit_base_p4").PatchSize);
        Assert.Equal(80, VitPresets.Get("deit_huge_p10").EmbedDim / VitPresets.Get("deit_huge_p10").NumHeads);
    }

    [Fact]
    public void State_dict_names_are_the_official_ones()
    {
        var arch = new EncoderArchitecture(Tiny, new ProjectionHeadOptions(16, 8), null);
        using var model = arch.CreateEncoder();
        var expected = OfficialParameterOrder.EncoderParameters(arch).Select(p => p.Name).ToList();
        foreach (var bn in new[] { "bn1", "bn2" })
            expected.AddRange([$"fc.{bn}.running_mean", $"fc.{bn}.running_var", $"fc.{bn}.num_batches_tracked"]);
        Assert.Equal(expected.OrderBy(x => x, StringComparer.Ordinal),
            model.state_dict().Keys.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(OfficialParameterOrder.EncoderParameters(arch).Select(p => p.Name),
            model.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Initialisation_follows_the_official_code()
    {
        // Seeded: the official truncated normal draws uniform(−1, 1) and maps it through erfinv, and a draw of
        // exactly −1 (2⁻²⁴ per value, ~1% of unseeded models) becomes −inf, clamped to the −2 bound, which
        // alone lifts the 110,592 qkv weights' std from 0.0200 to 0.0209: the unseeded test failed about one run in
        // thirty.
        using var generator = new Generator(7);
        using var model = new VisionTransformer(VitPresets.Get("deit_tiny"), new ProjectionHeadOptions(64, 32),
            generator);
        var sd = model.state_dict();
        var qkv = sd["blocks.0.attn.qkv.weight"];
        Assert.InRange(qkv.std().item<float>(), 0.0185, 0.0205);   // trunc normal std 0.02 cut at ±2 (≈ no cut)
        // not TorchSharp's constant fill
        Assert.True(qkv.min().item<float>() < -0.05 && qkv.max().item<float>() > 0.05);
        Assert.Equal(0, sd["blocks.0.attn.qkv.bias"].abs().sum().item<float>());
        using (var one = 1.ToScalar()) Assert.True(sd["norm.weight"].eq(one).all().item<bool>());
        double convStd = Math.Sqrt(2.0 / (3 * 16 * 16));
        Assert.InRange(sd["patch_embed.proj.weight"].std().item<float>(), 0.9 * convStd, 1.1 * convStd);
        Assert.InRange(sd["pos_embed"].std().item<float>(), 0.0185, 0.0205);
    }

    [Fact]
    public void Shared_mask_keeps_cls_first_and_the_official_count_in_random_order()
    {
        using var g = new Generator(1);
        using var keep = RandomPatchMasker.Draw(64, 0.3, MaskSharing.SharedPerBatch, generator: g);
        var idx = keep.data<long>().ToArray();
        Assert.Equal(1 + 44, idx.Length);                  // ⌊64 · 0.7⌋ = 44
        Assert.Equal(0, idx[0]);
        Assert.Equal(idx.Length, idx.Distinct().Count());
        Assert.All(idx.Skip(1), i => Assert.InRange(i, 1, 64));
        Assert.NotEqual(idx.Skip(1).Order(), idx.Skip(1));  // kept order is random, not sorted
    }

    [Fact]
    public void Per_sample_masks_differ_between_samples_and_mask_the_forward()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        var keep = RandomPatchMasker.Draw(16, 0.5, MaskSharing.PerSample, batch: 3, generator: g);
        Assert.Equal(new long[] { 3, 9 }, keep.shape);
        Assert.False(keep[0].equal(keep[1]).all().item<bool>());
        using var model = new VisionTransformer(Tiny);
        var x = torch.randn(3, 3, 16, 16);
        var tokens = model.Tokens(x, keep);
        Assert.Equal(new long[] { 3, 9, 32 }, tokens.shape);
        var full = model.Tokens(x);
        // Token j of sample i is the full sequence's token keep[i, j].
        Assert.True(tokens[1, 3].allclose(full[1, keep[1, 3].item<long>()]));
    }

    [Fact]
    public void Views_are_grouped_by_resolution_and_only_the_first_group_is_masked()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(Tiny, new ProjectionHeadOptions(16, 8));
        model.eval();
        var a = torch.randn(2, 3, 16, 16);
        var f1 = torch.randn(2, 3, 8, 8);
        var f2 = torch.randn(2, 3, 8, 8);
        var keep = RandomPatchMasker.Draw(16, 0.25, MaskSharing.SharedPerBatch);
        using var noGrad = torch.no_grad();
        var z = model.ForwardViews([a, f1, f2], keep);
        Assert.Equal(new long[] { 6, 8 }, z.shape);
        Assert.True(z[..2].allclose(model.Encode(a, keep), 1e-5, 1e-6));
        Assert.True(z[2..].allclose(model.call(torch.cat([f1, f2])), 1e-5, 1e-6));
    }

    [Fact]
    public void Position_embedding_is_unchanged_at_the_trained_size_and_resized_otherwise()
    {
        using var scope = NewDisposeScope();
        var pos = torch.randn(1, 17, 8);
        Assert.True(VisionTransformer.InterpolatePositionEmbedding(pos, 16).equal(pos).all().item<bool>());
        var small = VisionTransformer.InterpolatePositionEmbedding(pos, 4);
        Assert.Equal(new long[] { 1, 5, 8 }, small.shape);
        Assert.True(small[0, 0].equal(pos[0, 0]).all().item<bool>());   // [CLS] position kept
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => new VitOptions(32, 4, 30, 2, 4).Validate());
        Assert.Contains("NumHeads", e.Message);
    }
}
