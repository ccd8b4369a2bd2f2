using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MaskedSiamese.Onnx;

/// <summary>
/// Collects the nodes and initializers of one ONNX graph (OnnxSharp's generated protobuf classes) and names the
/// intermediate values uniquely, so the graph writers read as the forward pass they mirror.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    /// <summary>The graph built so far.</summary>
    public GraphProto Graph => _graph;

    /// <summary>Total bytes of the initializers added so far.</summary>
    public long InitializerBytes { get; private set; }

    /// <summary>Adds a float32 initializer (raw little-endian data) of <paramref name="dims"/>.</summary>
    public string Float(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != values.Length)
            throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(", ", dims)}]");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // ONNX raw_data is little-endian; every platform .NET and TorchSharp run on is too (checked by the caller).
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        InitializerBytes += tensor.RawData.Length;
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, indices); no dims makes a scalar.</summary>
    public string Int64(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node of <paramref name="opType"/> with one output, named after
    /// <paramref name="hint"/>.</summary>
    public string Node(string opType, string hint, string[] inputs, params AttributeProto[] attributes) =>
        NodeWithOutput(opType, Unique(hint), inputs, attributes);

    /// <summary>Adds a node whose single output has exactly the name <paramref name="output"/> (graph
    /// outputs).</summary>
    public string NodeWithOutput(string opType, string output, string[] inputs, params AttributeProto[] attributes) =>
        NodeWithOutputs(opType, [output], inputs, attributes)[0];

    /// <summary>Adds a node with several outputs (Split), named exactly <paramref name="outputs"/>.</summary>
    public string[] NodeWithOutputs(string opType, string[] outputs, string[] inputs,
        params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] + "/" + opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Declares a float32 graph input or output whose dimensions are sizes or, when null, the symbolic
    /// <paramref name="dynamicName"/>.</summary>
    public static ValueInfoProto FloatValue(string name, string dynamicName, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long? d in dims)
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v }
                                     : new TensorShapeProto.Types.Dimension { DimParam = dynamicName });
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Real(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private string Unique(string hint)
    {
        _counters.TryGetValue(hint, out int n);
        _counters[hint] = n + 1;
        return n == 0 ? hint : $"{hint}_{n}";
    }
}
