using MaskedSiamese.Configuration;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>
/// Issue 16, item 7: deeply nested YAML, in a file or a <c>--set</c> value, is refused with one line before the
/// recursive node builder can overflow the stack (which aborts the process, uncatchably).
/// </summary>
public sealed class ConfigNestingTests
{
    private const int Deep = 200_000;

    private static void AssertNestingRefused(Action load)
    {
        var e = Assert.Throws<ConfigException>(load);
        Assert.Contains($"nested deeper than {MsnConfigReader.MaxNesting} levels", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_deeply_nested_flow_sequence_in_a_file_is_refused()
    {
        string yaml = "data:\n  mean: " + new string('[', Deep) + new string(']', Deep) + "\n";
        AssertNestingRefused(() => MsnConfig.Parse(yaml, "deep.yaml"));
    }

    [Fact]
    public void A_deeply_nested_block_mapping_in_a_file_is_refused()
    {
        var yaml = new System.Text.StringBuilder("meta:\n");
        for (int i = 0; i < 2000; i++) yaml.Append(' ', i + 1).Append("k:\n");
        AssertNestingRefused(() => MsnConfig.Parse(yaml.ToString(), "deep.yaml"));
    }

    [Fact]
    public void A_deeply_nested_set_value_is_refused()
    {
        string value = new string('{', Deep / 2) + "a: 1" + new string('}', Deep / 2);
        var e = Assert.Throws<ConfigException>(() => MsnConfig.Parse("", overrides: [$"data.mean={value}"]));
        Assert.Contains($"nested deeper than {MsnConfigReader.MaxNesting} levels", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 300, $"a {e.Message.Length}-character message");
    }

    [Fact]
    public void Ordinary_nesting_still_loads()
    {
        var config = MsnConfig.Parse("data:\n  mean: [0.5]\n", overrides: ["data.rand_scale=[0.5, 1.0]"]);
        Assert.Equal((0.5, 1.0), config.Data.RandScale);
    }
}
