using System.Globalization;

namespace MaskedSiamese.Configuration;

/// <summary>
/// Keeps the schema honest: a key that is read but would not change what runs is either refused (it asks for
/// something this implementation does not do) or accepted with a one-line warning (it does nothing by nature here,
/// or the official code ignores it too, so official and built-in files must still load).
/// </summary>
internal static class MsnConfigSupport
{
    /// <summary>Throws for the first key set to a value that is not supported.</summary>
    /// <exception cref="ConfigException">One line naming the key and saying what to do instead.</exception>
    public static void RefuseUnsupported(MsnConfig config)
    {
        var m = config.Meta;
        m.ToPrecision();
        Refuse(!m.UseBn, "meta.use_bn: false is not supported: the projection head always has BatchNorm, as the "
            + "official head; set use_bn: true");
        Refuse(m.LoadCheckpoint, "meta.load_checkpoint: true is not supported: use msn pretrain --resume (continue the "
            + "run in its folder) or --init-from FILE; set load_checkpoint: false");
        Refuse(m.ReadCheckpoint is not null, $"meta.read_checkpoint: '{m.ReadCheckpoint}' is not supported: use msn "
            + "pretrain --init-from FILE, or --resume to continue a run; set read_checkpoint: null");
        Refuse(config.Criterion.FreezeProto, "criterion.freeze_proto: true is not supported: the prototypes train from "
            + "step 0, as in every official run; set freeze_proto: false");
        Refuse(config.Data.RandViews != 1, $"data.rand_views: {Number(config.Data.RandViews)} is not supported: one "
            + "masked anchor per image, as in every official run; set rand_views: 1 and add unmasked views with "
            + "data.focal_views");
    }

    /// <summary>One line per key that is accepted but changes nothing, each naming the key.</summary>
    public static IReadOnlyList<string> Warnings(MsnConfig config)
    {
        var m = config.Meta;
        var warnings = new List<string>();
        if (config.Data.PinMem)
        {
            // Nothing here pins host memory; on a CPU there is no device copy to speed up in the first place.
            bool cpu = config.Meta.Device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
            warnings.Add(Warning("data.pin_mem: true does nothing " + (cpu
                ? "on a CPU device (no host-to-device copies)"
                : "here (the loader never pins host memory)") + "; ignored"));
        }

        if (!config.Criterion.UseEnt && config.Criterion.EntWeight == 0)
            warnings.Add(Warning("criterion.use_ent: false changes nothing while criterion.ent_weight is 0 (the "
                + "entropy term is 0 either way)"));
        if (m.Bottleneck != MetaDefaults.Bottleneck)
            warnings.Add(Warning($"meta.bottleneck: {Number(m.Bottleneck)} is read by nothing in the official code "
                + "either; ignored"));
        if (m.UsePredHead)
            warnings.Add(Warning("meta.use_pred_head: true is read by nothing in the official code either; ignored"));
        if (m.TwoLayer)
            warnings.Add(Warning("meta.two_layer: true is read by nothing in the official code either; ignored"));
        if (m.UseFp16)
        {
            // Acts (unless meta.precision names another precision), but not as its name says: one line says how.
            warnings.Add(Note(string.Equals(m.Precision, "fp32", StringComparison.OrdinalIgnoreCase)
                ? "meta.use_fp16: true means bf16 here (this CPU implementation has bf16, not fp16, products: "
                  + "meta.precision: bf16)"
                : $"meta.use_fp16: true is overridden by meta.precision: {m.Precision}"));
        }

        if (m.CopyData)
            warnings.Add(Warning("meta.copy_data: true (the official code copies the data set to local disk first) "
                + "does nothing here; ignored"));
        return warnings;
    }

    private static MetaOptions MetaDefaults { get; } = new();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Warning(string text) => "config: warning: " + text;

    private static string Note(string text) => "config: note: " + text;

    private static void Refuse(bool unsupported, string message)
    {
        if (unsupported) throw new ConfigException("config: " + message);
    }
}
