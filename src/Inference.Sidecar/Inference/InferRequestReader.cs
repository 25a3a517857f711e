using System.Buffers.Binary;
using System.Text.Json;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Decodes and validates a KServe V2 infer request body: JSON, or JSON followed by binary tensor data (Triton's
/// binary tensor extension, where <c>Inference-Header-Content-Length</c> gives the JSON's size and inputs with a
/// <c>binary_data_size</c> parameter take their bytes from what follows, in input order). Every problem becomes
/// an <see cref="InferenceException"/> naming the input and what was expected.
/// </summary>
public static class InferRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    // The usual request wants every output in model order, all JSON or all binary: shared read-only arrays, not new ones.
    private static readonly SharedArrays<int> AllOutputs = new(n => [.. Enumerable.Range(0, n)]);
    private static readonly SharedArrays<bool> NoBinary = new(n => new bool[n]);
    private static readonly SharedArrays<bool> AllBinary = new(n => Enumerable.Repeat(true, n).ToArray());

    public static InferRequest Read(ReadOnlyMemory<byte> body, long? headerLength, string modelName,
        IReadOnlyList<TensorInfo> modelInputs, IReadOnlyList<TensorInfo> modelOutputs, long maxElements)
    {
        var json = body;
        var binary = ReadOnlyMemory<byte>.Empty;
        if (headerLength is { } length)
        {
            if (length < 0 || length > body.Length)
            {
                throw InferenceException.BadRequest(
                    $"Inference-Header-Content-Length is {length}, but the body has only {body.Length} bytes");
            }

            json = body[..(int)length];
            binary = body[(int)length..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw InferenceException.BadRequest($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, binary, modelName, modelInputs, modelOutputs, maxElements);
            }
            catch (InvalidOperationException e) when (e.InnerException is System.Text.DecoderFallbackException || e.Message.Contains("UTF-8", StringComparison.Ordinal))
            {
                // JsonDocument checks UTF-8 inside strings only when a string is read.
                throw InferenceException.BadRequest($"malformed JSON: {e.Message}");
            }
        }
    }

    private static InferRequest Read(JsonElement root, ReadOnlyMemory<byte> binary, string modelName,
        IReadOnlyList<TensorInfo> modelInputs, IReadOnlyList<TensorInfo> modelOutputs, long maxElements)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"the request must be a JSON object, got {Kind(root)}");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()
                : throw InferenceException.BadRequest($"'id' must be a string, got {Kind(idElement)}");
        }

        var binaryByDefault = false;
        if (root.TryGetProperty("parameters", out var parameters))
        {
            RequireObject(parameters, "'parameters'");
            binaryByDefault = Flag(parameters, "binary_data_output", "request parameter");
        }

        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest("the request needs an 'inputs' array");
        }

        var tensors = new Tensor?[modelInputs.Count];
        var offset = 0;
        var position = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            var (index, tensor, consumed) = ReadInput(input, position++, binary[offset..], modelName, modelInputs, maxElements);
            if (tensors[index] is not null)
            {
                throw InferenceException.BadRequest($"input '{modelInputs[index].Name}' appears more than once");
            }

            tensors[index] = tensor;
            offset += consumed;
        }

        if (Array.IndexOf(tensors, null) >= 0)
        {
            var missing = modelInputs.Where((_, i) => tensors[i] is null).Select(i => i.Name).ToArray();
            throw InferenceException.BadRequest(
                $"missing input{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; model '{modelName}' needs {Names(modelInputs)}");
        }

        if (offset != binary.Length)
        {
            throw InferenceException.BadRequest(
                $"the body has {binary.Length} bytes of binary data after the JSON header, but the inputs' binary_data_size parameters add up to {offset}");
        }

        var (outputIndexes, binaryOutputs) = ReadOutputs(root, modelName, modelOutputs, binaryByDefault);
        return new InferRequest(id, tensors!, outputIndexes, binaryOutputs);
    }

    private static (int Index, Tensor Tensor, int BinaryBytes) ReadInput(JsonElement input, int position, ReadOnlyMemory<byte> binary,
        string modelName, IReadOnlyList<TensorInfo> modelInputs, long maxElements)
    {
        RequireObject(input, $"inputs[{position}]");
        var name = RequiredString(input, "name", $"inputs[{position}]");
        var index = IndexOf(modelInputs, name);
        if (index < 0)
        {
            throw InferenceException.BadRequest($"unknown input '{name}'; model '{modelName}' has inputs {Names(modelInputs)}");
        }

        var expected = modelInputs[index];
        var datatype = RequiredString(input, "datatype", $"input '{name}'");
        if (!DataTypeNames.TryParse(datatype, out var type))
        {
            throw InferenceException.BadRequest($"input '{name}' has unknown datatype '{datatype}'");
        }

        if (type != expected.ElementType)
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has datatype {datatype}, but the model expects {DataTypeNames.Name(expected.ElementType)}");
        }

        var shape = ReadShape(input, name);
        if (!Compatible(shape, expected.Shape))
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has shape {JsonTensorCodec.ShapeText(shape)}, but the model expects {JsonTensorCodec.ShapeText(expected.Shape)} (-1 is any size)");
        }

        long? binarySize = null;
        if (input.TryGetProperty("parameters", out var parameters))
        {
            RequireObject(parameters, $"input '{name}' parameters");
            if (parameters.TryGetProperty("binary_data_size", out var size))
            {
                binarySize = size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var n) && n >= 0
                    ? n
                    : throw InferenceException.BadRequest($"input '{name}': binary_data_size must be a non-negative integer");
            }
        }

        if (binarySize is { } bytes)
        {
            if (input.TryGetProperty("data", out _))
            {
                throw InferenceException.BadRequest($"input '{name}' has both 'data' and a binary_data_size parameter");
            }

            if (bytes > binary.Length)
            {
                throw InferenceException.BadRequest(
                    $"input '{name}' declares binary_data_size {bytes}, but only {binary.Length} bytes of binary data remain");
            }

            return (index, BinaryTensorCodec.Read(binary.Span[..(int)bytes], name, type, shape, maxElements), (int)bytes);
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw InferenceException.BadRequest($"input '{name}' has neither 'data' nor a binary_data_size parameter");
        }

        return (index, JsonTensorCodec.Read(data, name, type, shape, maxElements), 0);
    }

    private static long[] ReadShape(JsonElement input, string name)
    {
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"input '{name}' needs a 'shape' array");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0 || d > int.MaxValue)
            {
                throw InferenceException.BadRequest($"input '{name}' shape {dim.GetRawText()} is not a non-negative integer dimension");
            }

            shape[i++] = d;
        }

        try
        {
            _ = Tensor.ElementCountOf(shape);
        }
        catch (OverflowException)
        {
            throw InferenceException.BadRequest($"input '{name}' shape {JsonTensorCodec.ShapeText(shape)} has too many elements");
        }

        return shape;
    }

    private static bool Compatible(long[] shape, IReadOnlyList<long> expected)
    {
        if (shape.Length != expected.Count)
        {
            return false;
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (expected[i] >= 0 && expected[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    private static (int[] Indexes, bool[] Binary) ReadOutputs(JsonElement root, string modelName, IReadOnlyList<TensorInfo> modelOutputs, bool binaryByDefault)
    {
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return (AllOutputs.Get(modelOutputs.Count), binaryByDefault ? AllBinary.Get(modelOutputs.Count) : NoBinary.Get(modelOutputs.Count));
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"'outputs' must be an array, got {Kind(outputs)}");
        }

        var indexes = new List<int>();
        var binary = new List<bool>();
        var position = 0;
        foreach (var output in outputs.EnumerateArray())
        {
            RequireObject(output, $"outputs[{position}]");
            var name = RequiredString(output, "name", $"outputs[{position++}]");
            var index = IndexOf(modelOutputs, name);
            if (index < 0)
            {
                throw InferenceException.BadRequest($"unknown output '{name}'; model '{modelName}' has outputs {Names(modelOutputs)}");
            }

            if (indexes.Contains(index))
            {
                throw InferenceException.BadRequest($"output '{name}' is requested more than once");
            }

            var wantsBinary = binaryByDefault;
            if (output.TryGetProperty("parameters", out var parameters))
            {
                RequireObject(parameters, $"output '{name}' parameters");
                if (parameters.TryGetProperty("binary_data", out _))
                {
                    wantsBinary = Flag(parameters, "binary_data", $"output '{name}' parameter");
                }
            }

            indexes.Add(index);
            binary.Add(wantsBinary);
        }

        if (indexes.Count == 0)
        {
            throw InferenceException.BadRequest("'outputs' is empty; leave it out to get every output");
        }

        return (indexes.ToArray(), binary.ToArray());
    }

    private static bool Flag(JsonElement parameters, string name, string what) =>
        !parameters.TryGetProperty(name, out var value) ? false : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw InferenceException.BadRequest($"{what} '{name}' must be true or false"),
        };

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"{what} must be a JSON object, got {Kind(element)}");
        }
    }

    private static string RequiredString(JsonElement element, string property, string what) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw InferenceException.BadRequest($"{what} needs a string '{property}'");

    private static int IndexOf(IReadOnlyList<TensorInfo> infos, string name)
    {
        for (var i = 0; i < infos.Count; i++)
        {
            if (infos[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Names(IReadOnlyList<TensorInfo> infos) => string.Join(", ", infos.Select(i => $"'{i.Name}'"));

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();
}
