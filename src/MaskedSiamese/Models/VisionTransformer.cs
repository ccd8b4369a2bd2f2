using MaskedSiamese.Engine;
using MaskedSiamese.Masking;
using MaskedSiamese.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models;

/// <summary>
/// The Vision Transformer of the official MSN code (<c>deit.py</c>) with the MSN projection head as its <c>fc</c>
/// child. State-dict keys equal the official ones without the <c>module.</c> prefix: <c>cls_token</c>,
/// <c>pos_embed</c>, <c>patch_embed.proj.*</c>, <c>blocks.{i}.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}.*</c>,
/// <c>norm.*</c>, <c>fc.{fc1,bn1,fc2,bn2,fc3}.*</c>.
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly PatchEmbed patch_embed;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm;
    private readonly ProjectionHead? fc;

    /// <summary>Builds the trunk and, when <paramref name="head"/> is given, the projection head, initialised as
    /// the official code does.</summary>
    public VisionTransformer(VitOptions options, ProjectionHeadOptions? head = null, Generator? generator = null)
        : base(nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        head?.Validate();
        Options = options;
        HeadOptions = head;
        int d = options.EmbedDim;
        cls_token = nn.Parameter(torch.zeros(1, 1, d));
        pos_embed = nn.Parameter(torch.zeros(1, options.NumPatches + 1, d));
        patch_embed = new PatchEmbed(options.PatchSize, d);
        blocks = new ModuleList<Block>();
        for (int i = 0; i < options.Depth; i++)
        {
            double dp = options.Depth > 1 ? options.DropPathRate * i / (options.Depth - 1) : 0;
            blocks.Add(new Block(d, options.NumHeads, options.MlpHiddenDim, options.QkvBias, options.LayerNormEps, dp));
        }
        norm = nn.LayerNorm(d, options.LayerNormEps);
        fc = head is null ? null : new ProjectionHead(d, head);
        RegisterComponents();
        VitInitialization.Apply(this, generator);
    }

    /// <summary>The trunk's shape.</summary>
    public VitOptions Options { get; }

    /// <summary>The projection head's shape, or null for a trunk without head.</summary>
    public ProjectionHeadOptions? HeadOptions { get; }

    /// <summary>
    /// The precision of the matrix products of the trunk and head: patch embedding, qkv, attention, projection, MLP
    /// and the head's linear layers. Float32 by default (evaluation, export); the training step sets it from its
    /// <see cref="StepContext"/>. Parameters stay float32 whatever it is.
    /// </summary>
    public Precision Precision
    {
        get => patch_embed.Precision;
        set
        {
            patch_embed.Precision = value;
            foreach (var blk in blocks) blk.Precision = value;
            if (fc is not null) fc.Precision = value;
        }
    }

    /// <summary>
    /// The generator that stochastic depth draws from in training; null (the default) draws from LibTorch's global
    /// generator. The training tasks give one reseeded from (seed, step) every step, so the draws are a pure function
    /// of the step that nothing else in the process can move, and a resumed run needs no saved generator state.
    /// </summary>
    public Generator? DropPathGenerator
    {
        get => blocks.Count > 0 ? blocks[0].DropPathGenerator : null;
        set
        {
            foreach (var blk in blocks) blk.DropPathGenerator = value;
        }
    }

    /// <summary>The [CLS] token parameter [1, 1, D].</summary>
    public Parameter ClsToken => cls_token;

    /// <summary>The positional embeddings [1, 1 + N, D] learned for <see cref="VitOptions.ImageSize"/>.</summary>
    public Parameter PosEmbed => pos_embed;

    /// <summary>The patch-embedding layer.</summary>
    public PatchEmbed PatchEmbedding => patch_embed;

    /// <summary>The projection head, or null.</summary>
    public ProjectionHead? Head => fc;

    /// <summary>Patch tokens of an input of <paramref name="imageSize"/> pixels at this patch size.</summary>
    public int NumPatchesFor(int imageSize) => (imageSize / Options.PatchSize) * (imageSize / Options.PatchSize);

    /// <summary>Full forward: [B, 3, H, W] → projection-head output [B, OutputDim] (or the normed [CLS] without
    /// head).</summary>
    public override Tensor forward(Tensor x) => Encode(x, null);

    /// <summary>Full forward with optional keep-indices (see <see cref="RandomPatchMasker"/>).</summary>
    public Tensor Encode(Tensor x, Tensor? keepIndex)
    {
        using var scope = NewDisposeScope();
        var cls = ForwardFeatures(x, keepIndex);
        return (fc is null ? cls : fc.call(cls)).MoveToOuterDisposeScope();
    }

    /// <summary>The [CLS] token after the blocks and the final LayerNorm, before the head: [B, D].</summary>
    public Tensor ForwardFeatures(Tensor x, Tensor? keepIndex = null)
    {
        using var scope = NewDisposeScope();
        var h = Tokens(x, keepIndex);
        foreach (var blk in blocks) h = blk.call(h);
        return norm.call(h[.., 0]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The [CLS] token after each of the last <paramref name="n"/> blocks, before the final LayerNorm, concatenated:
    /// [B, n·D]. With n = 1 these are the features of the official low-shot and linear evaluations.
    /// </summary>
    public Tensor ForwardBlocks(Tensor x, int n = 1, Tensor? keepIndex = null)
    {
        if (n < 1 || n > Options.Depth)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"must be in 1..{Options.Depth}");
        using var scope = NewDisposeScope();
        var h = Tokens(x, keepIndex);
        var outputs = new List<Tensor>();
        for (int i = 0; i < blocks.Count; i++)
        {
            h = blocks[i].call(h);
            if (i >= blocks.Count - n) outputs.Add(h[.., 0]);
        }
        return torch.cat(outputs, dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Forward over a list of views as the official <c>forward(list)</c>: consecutive views of equal resolution form
    /// a group that is concatenated along the batch and run at once (so BatchNorm sees one batch per group), only
    /// the first group is masked with <paramref name="firstGroupKeepIndex"/>, and the outputs are concatenated in
    /// view order (view-major).
    /// </summary>
    public Tensor ForwardViews(IReadOnlyList<Tensor> views, Tensor? firstGroupKeepIndex = null)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Count == 0) throw new ArgumentException("no views", nameof(views));
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        int start = 0;
        bool first = true;
        while (start < views.Count)
        {
            int end = start + 1;
            while (end < views.Count && views[end].shape[^1] == views[start].shape[^1]) end++;
            var group = end - start == 1
                ? views[start]
                : torch.cat(views.Skip(start).Take(end - start).ToList(), dim: 0);
            outputs.Add(Encode(group, first ? firstGroupKeepIndex : null));
            first = false;
            start = end;
        }
        return (outputs.Count == 1 ? outputs[0] : torch.cat(outputs, dim: 0)).MoveToOuterDisposeScope();
    }

    /// <summary>Patch-embed, prepend [CLS], add the (interpolated) positional embedding, then keep the tokens named
    /// by <paramref name="keepIndex"/>: [B, T, D].</summary>
    public Tensor Tokens(Tensor x, Tensor? keepIndex = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var patches = patch_embed.call(x);
        var cls = cls_token.expand(patches.shape[0], -1, -1);
        var h = torch.cat([cls, patches], dim: 1);
        h = h.add(InterpolatePositionEmbedding(pos_embed, (int)patches.shape[1]), KeptScalars.One);
        if (keepIndex is not null) h = RandomPatchMasker.Apply(h, keepIndex);
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The positional embedding for <paramref name="numPatches"/> patch tokens: unchanged when the count matches,
    /// otherwise the patch grid is resized bicubically with <c>scale_factor = sqrt(numPatches / N)</c>
    /// (align_corners false) and the [CLS] embedding kept, exactly as the official <c>interpolate_pos_encoding</c>.
    /// </summary>
    public static Tensor InterpolatePositionEmbedding(Tensor posEmbed, int numPatches)
    {
        ArgumentNullException.ThrowIfNull(posEmbed);
        int n = (int)posEmbed.shape[1] - 1;
        if (numPatches == n) return posEmbed.alias();
        using var scope = NewDisposeScope();
        long dim = posEmbed.shape[2];
        int side = (int)Math.Sqrt(n);
        double scale = Math.Sqrt((double)numPatches / n);
        var classEmb = posEmbed[.., ..1];
        var grid = posEmbed[.., 1..].reshape(1, side, side, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(grid, scale_factor: [scale, scale], mode: InterpolationMode.Bicubic,
            align_corners: false, recompute_scale_factor: false);
        var patches = resized.permute(0, 2, 3, 1).reshape(1, -1, dim);
        return torch.cat([classEmb, patches], dim: 1).MoveToOuterDisposeScope();
    }
}
