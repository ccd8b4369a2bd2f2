using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Models;

/// <summary>Our ViT reproduces the official encoder's outputs on the golden fixtures: per tensor,
/// max|ours − ref| ≤ 1e-5 · max|ref|.</summary>
public sealed class ForwardParityTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Sets() => OfficialFixtures.Sets("_forward.safetensors");

    [Theory]
    [MemberData(nameof(Sets))]
    public void Target_encoder_reproduces_every_official_output(string set)
    {
        using var scope = NewDisposeScope();
        var fixture = SafetensorsFile.Read(OfficialFixtures.PathOf(set));
        int Meta(string k) => int.Parse(fixture.Metadata[k], CultureInfo.InvariantCulture);
        using var checkpoint = OfficialCheckpointImporter.Import(
            OfficialFixtures.Sibling(set, "_release.pth.tar"), numHeads: Meta("num_heads"));
        var arch = checkpoint.Architecture;
        Assert.Equal(Meta("img_size"), arch.Vit.ImageSize);
        Assert.Equal(Meta("patch_size"), arch.Vit.PatchSize);
        Assert.Equal(Meta("embed_dim"), arch.Vit.EmbedDim);
        Assert.Equal(Meta("depth"), arch.Vit.Depth);
        Assert.Equal(Meta("hidden_dim"), arch.Head!.HiddenDim);
        Assert.Equal(Meta("output_dim"), arch.Head.OutputDim);
        Assert.Equal(Meta("num_proto"), arch.NumPrototypes);

        using var model = checkpoint.CreateTargetEncoder();
        var images = fixture["images"];
        var focal = fixture["focal_images"];
        using (torch.no_grad())
        {
            model.eval();
            TensorAssert.CloseRelativeToMax(fixture["cls_last_block"], model.ForwardBlocks(images, 1), Tolerance,
                "cls_last_block");
            TensorAssert.CloseRelativeToMax(fixture["cls_last_2_blocks"], model.ForwardBlocks(images, 2), Tolerance,
                "cls_last_2_blocks");
            TensorAssert.CloseRelativeToMax(fixture["z_eval"], model.call(images), Tolerance, "z_eval");
            TensorAssert.CloseRelativeToMax(fixture["z_focal_eval"], model.call(focal), Tolerance, "z_focal_eval");
            TensorAssert.CloseRelativeToMax(fixture["z_masked_eval"], model.Encode(images, fixture["mask_keep_index"]),
                Tolerance, "z_masked_eval");
            model.train();
            TensorAssert.CloseRelativeToMax(fixture["z_train"], model.call(images), Tolerance, "z_train");
        }
    }
}
