using MaskedSiamese.Checkpoints;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Checkpoints;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Round_trip_keeps_names_shapes_values_and_metadata()
    {
        using var a = torch.randn(3, 4);
        using var five = 5L.ToScalar();
        using var b = torch.arange(five);
        string path = Path.Combine(_dir, "x.safetensors");
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["a"] = a, ["b.c"] = b },
            new Dictionary<string, string> { ["k"] = "v" });

        var f = SafetensorsFile.Read(path);

        Assert.Equal(new[] { "a", "b.c" }, f.Names);
        Assert.Equal("v", f.Metadata["k"]);
        Assert.True(f["a"].equal(a).all().item<bool>());
        Assert.Equal(ScalarType.Int64, f["b.c"].dtype);
        Assert.True(f["b.c"].equal(b).all().item<bool>());
    }

    [Fact]
    public void Overwriting_a_larger_file_leaves_a_valid_smaller_one()
    {
        string path = Path.Combine(_dir, "y.safetensors");
        using var big = torch.zeros(1000);
        using var small = torch.ones(2);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["t"] = big });
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["t"] = small });

        var f = SafetensorsFile.Read(path);

        Assert.Equal(new long[] { 2 }, f["t"].shape);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void A_truncated_file_is_refused_with_its_name()
    {
        string path = Path.Combine(_dir, "z.safetensors");
        using var t = torch.ones(100);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["t"] = t });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'t'", e.Message);
    }

    private string Raw(string name, string header, int dataBytes)
    {
        string path = Path.Combine(_dir, name);
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        using var s = File.Create(path);
        s.Write(BitConverter.GetBytes((ulong)json.Length));
        s.Write(json);
        s.Write(new byte[dataBytes]);
        return path;
    }

    [Fact]
    public void Overlapping_offsets_that_would_multiply_a_small_file_are_refused_before_any_tensor_is_made()
    {
        // 1,000 entries all pointing at the same 4 KB: 4 MB of tensors from a 4 KB data section.
        var entries = Enumerable.Range(0, 1000)
            .Select(i => $"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[1024],\"data_offsets\":[0,4096]}}");
        string path = Raw("overlap.safetensors", "{" + string.Join(",", entries) + "}", 4096);

        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains("overlapping or non-contiguous", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Holes_in_the_data_section_are_refused()
    {
        string gap = Raw("gap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12);
        string tail = Raw("tail.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 1000);

        Assert.Contains("non-contiguous",
            Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(gap)).Message);
        Assert.Contains("cover 4 of the 1000 bytes",
            Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(tail)).Message);
    }

    [Fact]
    public void A_text_file_is_not_a_safetensors_file()
    {
        string path = Path.Combine(_dir, "t.safetensors");
        File.WriteAllText(path, "hello, this is not a tensor file at all");
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains("not a safetensors file", e.Message);
    }

    [Theory]
    [MemberData(nameof(ForwardSets))]
    public void Reads_the_official_fixture_header_and_metadata(string set)
    {
        var f = SafetensorsFile.Read(OfficialFixtures.PathOf(set));
        Assert.True(int.Parse(f.Metadata["patch_size"]) > 0);
        Assert.Equal(4, f["images"].shape.Length);
        Assert.Equal(ScalarType.Float32, f["images"].dtype);
        Assert.Equal(ScalarType.Int64, f["mask_keep_index"].dtype);
    }

    public static TheoryData<string> ForwardSets() => OfficialFixtures.Sets("_forward.safetensors");

    [Theory]
    [InlineData("{\"__metadata__\":{\"k\":\"\xC7\"}}")]   // an invalid byte in a metadata value
    [InlineData("{\"\xC7\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")]   // ... in a tensor name
    public void A_header_that_is_not_UTF8_is_refused_in_one_line(string header)
    {
        // Found by the fuzzing harness (fuzz/, target safetensors): System.Text.Json parses such a header and throws
        // InvalidOperationException only when the string is read, which escaped as an internal error (exit 2).
        var json = header.Select(c => (byte)c).ToArray();
        string path = Path.Combine(_dir, "latin1.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json]);

        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.ReadHeader(path));
        Assert.Contains("latin1.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(path));
    }

    [Fact]
    public void A_header_naming_a_tensor_twice_is_refused_in_one_line()
    {
        // Found by AFL++ (scripts/fuzz.sh safetensors): System.Text.Json keeps duplicate names until the object is
        // enumerated, which then threw ArgumentException ("same key has already been added"): exit 2, not 1.
        var json = """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"""u8.ToArray();
        string path = Path.Combine(_dir, "twice.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, 0, 0, 0, 0]);

        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.ReadHeader(path));
        Assert.Contains("twice.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("Duplicate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_metadata_with_a_key_twice_is_refused_in_one_line()
    {
        using var encoder = Evaluation.TinySetup.Encoder();
        string path = Path.Combine(_dir, "training-twice.safetensors");
        SafetensorsFile.Write(path, StateDictLoader.Snapshot(encoder)
            .Select(kv => new KeyValuePair<string, Tensor>("target_encoder." + kv.Key, kv.Value)),
            new Dictionary<string, string>
            {
                ["format"] = MsnCheckpoint.FormatName,
                ["architecture"] = Evaluation.TinySetup.Architecture.ToJson(),
                ["training"] = """{"step": 1, "step": 2}""",
            });

        var e = Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.Load(path));
        Assert.Contains("training", e.Message, StringComparison.Ordinal);
    }
}
