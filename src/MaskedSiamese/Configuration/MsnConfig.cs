using MaskedSiamese.Optimization;

namespace MaskedSiamese.Configuration;

/// <summary>
/// A whole MSN run configuration in the official YAML schema (<c>meta</c>, <c>criterion</c>, <c>data</c>,
/// <c>optimization</c>, <c>logging</c>), typed and immutable. Load a file with <see cref="Load"/> (plus
/// <c>--set section.key=value</c> overrides), change values in code with <c>with</c>, check them with
/// <see cref="Validate"/>, and write the resolved result with <see cref="ToYaml"/>: the trainer stores that text in the
/// run folder and in every checkpoint, and <see cref="Parse"/> reads it back to an equal config.
/// </summary>
/// <example>
/// <code>
/// var config = MsnConfig.Load("configs/fmnist_msn_small.yaml",
///     ["optimization.epochs=1", "data.rand_scale=[0.5, 1.0]"]);
/// var vit = config.Meta.ToVitOptions();
/// </code>
/// </example>
public sealed record MsnConfig
{
    /// <summary>The <c>meta</c> section: model, head, seed, threads, device, precision.</summary>
    [YamlKey("meta")]
    public MetaOptions Meta { get; init; } = new();

    /// <summary>The <c>criterion</c> section: the loss and the batch size.</summary>
    [YamlKey("criterion")]
    public CriterionOptions Criterion { get; init; } = new();

    /// <summary>The <c>data</c> section: data set, views and augmentations, loader.</summary>
    [YamlKey("data")]
    public DataOptions Data { get; init; } = new();

    /// <summary>The <c>optimization</c> section: AdamW, schedules, run length.</summary>
    [YamlKey("optimization")]
    public OptimizationOptions Optimization { get; init; } = new();

    /// <summary>The <c>logging</c> section: run folder, tag, logging and checkpoint cadence.</summary>
    [YamlKey("logging")]
    public LoggingOptions Logging { get; init; } = new();

    /// <summary>
    /// The official ViT-S/16 pretraining configuration (<c>configs/pretrain/msn_vits16.yaml</c> of
    /// facebookresearch/msn, i.e. <c>configs/msn_vits16.yaml</c> here), with our own keys at their defaults. A key
    /// missing from a file takes its value from here.
    /// </summary>
    public static MsnConfig Default { get; } = new();

    /// <summary>Every key as <c>section.key</c>, in the order <see cref="ToYaml"/> writes them.</summary>
    public static IReadOnlyList<string> Keys => MsnConfigSchema.AllKeys;

    /// <summary>
    /// Reads the YAML file at <paramref name="path"/>, applies <paramref name="overrides"/> in order
    /// (each <c>section.key=value</c>, the value parsed as YAML: <c>0.1</c>, <c>true</c>, <c>null</c>,
    /// <c>[0.3, 1.0]</c>), fills missing keys from <see cref="Default"/> and validates the result.
    /// </summary>
    /// <exception cref="ConfigException">The file is missing or malformed (the message names it), or a section, key or
    /// value is unknown, of the wrong type or impossible (the message names the key).</exception>
    public static MsnConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"config: cannot read '{path}': {e.Message}", e);
        }

        return Parse(text, path, overrides);
    }

    /// <summary>
    /// Reads a configuration from YAML text, as <see cref="Load"/> does for a file; <paramref name="source"/> names the
    /// text in error messages.
    /// </summary>
    /// <exception cref="ConfigException">As for <see cref="Load"/>.</exception>
    public static MsnConfig Parse(string yaml, string source = "<string>", IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var config = MsnConfigReader.Read(yaml, source, overrides ?? []);
        config.Validate();
        return config;
    }

    /// <summary>
    /// The resolved configuration as YAML in the official schema: every section and every key, ours included, so a run
    /// is reproducible from this text alone. <see cref="Parse"/> of the result gives an equal config.
    /// </summary>
    public string ToYaml() => MsnConfigWriter.Write(this);

    /// <summary>
    /// Checks every value and the relations between them (warmup ≤ epochs, heads dividing the width, crop sizes
    /// fitting the patch size, ...). <see cref="Load"/> and <see cref="Parse"/> call it; call it yourself after
    /// changing a config in code.
    /// </summary>
    /// <exception cref="ConfigException">The first impossible value, named by its key.</exception>
    public void Validate() => MsnConfigValidator.Validate(this);

    /// <summary>
    /// One line per key that is accepted but changes nothing here (<c>data.pin_mem: true</c>; <c>meta.bottleneck</c>,
    /// <c>use_pred_head</c>, <c>two_layer</c>, <c>copy_data</c> away from their defaults), each starting with
    /// <c>config: warning:</c> and naming the key; empty when there is nothing to say. Computed from the values, so it
    /// holds for configs changed in code too; print each line to stderr before a run starts.
    /// </summary>
    public IReadOnlyList<string> Warnings() => MsnConfigSupport.Warnings(this);
}
