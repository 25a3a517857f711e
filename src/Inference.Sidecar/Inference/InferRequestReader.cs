using System.Text;
using System.Text.Json;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Decodes and validates a KServe V2 infer request body: JSON, or JSON followed by binary tensor data (Triton's
/// binary tensor extension, where <c>Inference-Header-Content-Length</c> gives the JSON's size and inputs with a
/// <c>binary_data_size</c> parameter take their bytes from what follows, in input order). Every problem becomes
/// an <see cref="InferenceException"/> naming the input and what was expected.
/// </summary>
/// <remarks>
/// One <see cref="Utf8JsonReader"/> pass over the whole JSON checks its syntax (a malformed body is reported as such
/// before anything else, as a parsed document would be) and notes where each value lies; the checks then run in a
/// fixed order on those byte ranges. A tensor's <c>data</c> met after its name, datatype and shape is parsed straight
/// into the tensor's buffer during that pass, so the usual request tokenises its numbers once and allocates no
/// document, no strings for names and datatypes, and nothing per element. Duplicate properties: the last one counts.
/// </remarks>
public static class InferRequestReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // The usual request wants every output in model order, all JSON or all binary: shared read-only arrays, not new ones.
    private static readonly SharedArrays<int> AllOutputs = new(n => [.. Enumerable.Range(0, n)]);
    private static readonly SharedArrays<bool> NoBinary = new(n => new bool[n]);
    private static readonly SharedArrays<bool> AllBinary = new(n => Enumerable.Repeat(true, n).ToArray());

    // Read is synchronous, so one scratch list per thread serves every request (no per-request allocation).
    [ThreadStatic]
    private static InputFields[]? threadInputs;

    /// <summary>Where a JSON value lies in the body: its raw bytes (strings with their quotes) and its first token.</summary>
    private struct Field
    {
        public int Start;
        public int Length;
        public JsonTokenType Token;

        public readonly bool Present => Length > 0;
    }

    private struct InputFields
    {
        public Field Self;
        public Field Name;
        public Field Datatype;
        public Field Shape;
        public Field Parameters;
        public Field Data;

        /// <summary>The data, already parsed during the pass (only when it came after a valid name, datatype and shape).</summary>
        public Tensor? Parsed;
    }

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

        var inputs = threadInputs ??= new InputFields[4];
        try
        {
            try
            {
                return Read(json.Span, ref inputs, binary, modelName, modelInputs, modelOutputs, maxElements);
            }
            finally
            {
                // Parsed tensors must not outlive the request through the thread's scratch list.
                Array.Clear(inputs);
                threadInputs = inputs.Length <= 64 ? inputs : null;
            }
        }
        catch (JsonException e)
        {
            throw InferenceException.BadRequest($"malformed JSON: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException || e.Message.Contains("UTF-8", StringComparison.Ordinal))
        {
            // The reader checks UTF-8 inside strings only when a string is read.
            throw InferenceException.BadRequest($"malformed JSON: {e.Message}");
        }
    }

    private static InferRequest Read(ReadOnlySpan<byte> json, ref InputFields[] inputs, ReadOnlyMemory<byte> binary, string modelName,
        IReadOnlyList<TensorInfo> modelInputs, IReadOnlyList<TensorInfo> modelOutputs, long maxElements)
    {
        // Pass 1: syntax of the whole body, and where each value is.
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        var root = reader.TokenType;
        Field id = default, parameters = default, inputsField = default, outputs = default;
        var inputCount = 0;
        if (root != JsonTokenType.StartObject)
        {
            reader.Skip();
        }
        else
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("inputs"u8))
                {
                    reader.Read();
                    inputCount = 0;
                    inputsField = Capture(ref reader);
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (inputCount == inputs.Length)
                            {
                                Array.Resize(ref inputs, inputs.Length * 2);
                            }

                            inputs[inputCount++] = CaptureInput(ref reader, json, modelInputs, maxElements);
                        }

                        inputsField.Length = (int)reader.BytesConsumed - inputsField.Start;
                    }
                    else
                    {
                        Skip(ref reader, ref inputsField);
                    }

                    continue;
                }

                var ignored = default(Field);
                ref var field = ref ignored;
                if (reader.ValueTextEquals("id"u8))
                {
                    field = ref id;
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    field = ref parameters;
                }
                else if (reader.ValueTextEquals("outputs"u8))
                {
                    field = ref outputs;
                }

                reader.Read();
                field = Capture(ref reader);
                Skip(ref reader, ref field);
            }
        }

        reader.Read(); // throws on anything but whitespace after the root value

        // Pass 2: the checks, in a fixed order.
        if (root != JsonTokenType.StartObject)
        {
            throw InferenceException.BadRequest($"the request must be a JSON object, got {JsonTensorCodec.KindOf(root)}");
        }

        string? requestId = null;
        if (id.Present)
        {
            requestId = id.Token == JsonTokenType.String
                ? StringOf(json, id)
                : throw InferenceException.BadRequest($"'id' must be a string, got {JsonTensorCodec.KindOf(id.Token)}");
        }

        var binaryByDefault = false;
        if (parameters.Present)
        {
            if (parameters.Token != JsonTokenType.StartObject)
            {
                throw NotAnObject(parameters, "'parameters'");
            }
            binaryByDefault = Flag(json, parameters, "binary_data_output"u8, "binary_data_output", "request parameter");
        }

        if (!inputsField.Present || inputsField.Token != JsonTokenType.StartArray)
        {
            throw InferenceException.BadRequest("the request needs an 'inputs' array");
        }

        var tensors = new Tensor?[modelInputs.Count];
        var offset = 0;
        for (var position = 0; position < inputCount; position++)
        {
            var (index, tensor, consumed) = ReadInput(json, ref inputs[position], position, binary[offset..], modelName, modelInputs, maxElements);
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

        var (outputIndexes, binaryOutputs) = ReadOutputs(json, outputs, modelName, modelOutputs, binaryByDefault);
        return new InferRequest(requestId, tensors!, outputIndexes, binaryOutputs);
    }

    /// <summary>Notes where the value the reader stands on starts; containers still need <see cref="Skip"/>.</summary>
    private static Field Capture(ref Utf8JsonReader reader) => new()
    {
        Start = (int)reader.TokenStartIndex,
        Length = (int)(reader.BytesConsumed - reader.TokenStartIndex),
        Token = reader.TokenType,
    };

    private static void Skip(ref Utf8JsonReader reader, ref Field field)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
            field.Length = (int)reader.BytesConsumed - field.Start;
        }
    }

    /// <summary>One element of <c>inputs</c>: where its properties are; its data parsed at once when that is safe.</summary>
    private static InputFields CaptureInput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, IReadOnlyList<TensorInfo> modelInputs, long maxElements)
    {
        var input = new InputFields { Self = Capture(ref reader) };
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Skip(ref reader, ref input.Self);
            return input;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                input.Data = Capture(ref reader);
                input.Parsed = null;
                if (reader.TokenType == JsonTokenType.StartArray && TryParseEarly(ref reader, json, input, modelInputs, maxElements) is { } tensor)
                {
                    input.Parsed = tensor;
                    input.Data.Length = (int)reader.BytesConsumed - input.Data.Start;
                }
                else
                {
                    Skip(ref reader, ref input.Data);
                }

                continue;
            }

            var ignored = default(Field);
            ref var field = ref ignored;
            if (reader.ValueTextEquals("name"u8))
            {
                field = ref input.Name;
                input.Parsed = null; // parsed against another name, datatype or shape than the last one
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                field = ref input.Datatype;
                input.Parsed = null;
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                field = ref input.Shape;
                input.Parsed = null;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                field = ref input.Parameters;
            }

            reader.Read();
            field = Capture(ref reader);
            Skip(ref reader, ref field);
        }

        input.Self.Length = (int)reader.BytesConsumed - input.Self.Start;
        return input;
    }

    /// <summary>
    /// Parses numeric data in place when the name, datatype and shape before it are valid; null (reader unmoved)
    /// when they are not or the data is bad, so that the checks report it in their order and with their words.
    /// </summary>
    private static Tensor? TryParseEarly(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, in InputFields input, IReadOnlyList<TensorInfo> modelInputs, long maxElements)
    {
        if (input.Name.Token != JsonTokenType.String || input.Datatype.Token != JsonTokenType.String || input.Shape.Token != JsonTokenType.StartArray)
        {
            return null;
        }

        var index = IndexOf(json, input.Name, modelInputs);
        if (index < 0)
        {
            return null;
        }

        var expected = modelInputs[index];
        if (expected.ElementType == TensorElementType.String || !DatatypeIs(json, input.Datatype, expected.ElementType))
        {
            return null;
        }

        if (TryReadShape(json, input.Shape) is not { } shape || !Compatible(shape, expected.Shape))
        {
            return null;
        }

        long count;
        try
        {
            count = Tensor.ElementCountOf(shape);
        }
        catch (OverflowException)
        {
            return null;
        }

        if (count > maxElements)
        {
            return null;
        }

        var attempt = reader;
        try
        {
            var tensor = JsonTensorCodec.ReadNumbers(ref attempt, expected.Name, expected.ElementType, shape, count, maxElements);
            reader = attempt;
            return tensor;
        }
        catch (Exception e) when (e is InferenceException or InvalidOperationException or OverflowException)
        {
            return null; // the checks meet it again in their order
        }
    }

    private static (int Index, Tensor Tensor, int BinaryBytes) ReadInput(ReadOnlySpan<byte> json, ref InputFields input, int position,
        ReadOnlyMemory<byte> binary, string modelName, IReadOnlyList<TensorInfo> modelInputs, long maxElements)
    {
        if (input.Self.Token != JsonTokenType.StartObject)
        {
            throw NotAnObject(input.Self, $"inputs[{position}]");
        }
        if (!input.Name.Present || input.Name.Token != JsonTokenType.String)
        {
            throw InferenceException.BadRequest($"inputs[{position}] needs a string 'name'");
        }

        var index = IndexOf(json, input.Name, modelInputs);
        if (index < 0)
        {
            throw InferenceException.BadRequest($"unknown input '{StringOf(json, input.Name)}'; model '{modelName}' has inputs {Names(modelInputs)}");
        }

        var expected = modelInputs[index];
        var name = expected.Name;
        if (!input.Datatype.Present || input.Datatype.Token != JsonTokenType.String)
        {
            throw InferenceException.BadRequest($"input '{name}' needs a string 'datatype'");
        }

        if (!DatatypeIs(json, input.Datatype, expected.ElementType))
        {
            var datatype = StringOf(json, input.Datatype);
            if (!DataTypeNames.TryParse(datatype, out _))
            {
                throw InferenceException.BadRequest($"input '{name}' has unknown datatype '{datatype}'");
            }

            throw InferenceException.BadRequest(
                $"input '{name}' has datatype {datatype}, but the model expects {DataTypeNames.Name(expected.ElementType)}");
        }

        var type = expected.ElementType;
        var shape = input.Parsed?.Shape ?? ReadShape(json, input.Shape, name); // a parsed tensor's shape passed these checks
        if (!Compatible(shape, expected.Shape))
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has shape {JsonTensorCodec.ShapeText(shape)}, but the model expects {JsonTensorCodec.ShapeText(expected.Shape)} (-1 is any size)");
        }

        long? binarySize = null;
        if (input.Parameters.Present)
        {
            if (input.Parameters.Token != JsonTokenType.StartObject)
            {
                throw NotAnObject(input.Parameters, $"input '{name}' parameters");
            }
            if (TryFindProperty(json, input.Parameters, "binary_data_size"u8, out var size))
            {
                var reader = ReaderAt(json, size);
                binarySize = size.Token == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0
                    ? n
                    : throw InferenceException.BadRequest($"input '{name}': binary_data_size must be a non-negative integer");
            }
        }

        if (binarySize is { } bytes)
        {
            if (input.Data.Present)
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

        if (!input.Data.Present)
        {
            throw InferenceException.BadRequest($"input '{name}' has neither 'data' nor a binary_data_size parameter");
        }

        var tensor = input.Parsed ?? JsonTensorCodec.Read(json.Slice(input.Data.Start, input.Data.Length), name, type, shape, maxElements);
        return (index, tensor, 0);
    }

    private static long[] ReadShape(ReadOnlySpan<byte> json, Field field, string name)
    {
        if (!field.Present || field.Token != JsonTokenType.StartArray)
        {
            throw InferenceException.BadRequest($"input '{name}' needs a 'shape' array");
        }

        var shape = new long[CountElements(json, field)];
        var reader = ReaderAt(json, field);
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            var from = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var d) || d < 0 || d > int.MaxValue)
            {
                reader.Skip();
                var raw = Encoding.UTF8.GetString(json.Slice(field.Start + from, (int)reader.BytesConsumed - from));
                throw InferenceException.BadRequest($"input '{name}' shape {raw} is not a non-negative integer dimension");
            }

            shape[i] = d;
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

    /// <summary>The shape when every dimension is valid, else null (no message: <see cref="ReadShape"/> words it).</summary>
    private static long[]? TryReadShape(ReadOnlySpan<byte> json, Field field)
    {
        var shape = new long[CountElements(json, field)];
        var reader = ReaderAt(json, field);
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var d) || d < 0 || d > int.MaxValue)
            {
                return null;
            }

            shape[i] = d;
        }

        return shape;
    }

    private static int CountElements(ReadOnlySpan<byte> json, Field array)
    {
        var reader = ReaderAt(json, array);
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }

        return count;
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

    private static (int[] Indexes, bool[] Binary) ReadOutputs(ReadOnlySpan<byte> json, Field outputs, string modelName,
        IReadOnlyList<TensorInfo> modelOutputs, bool binaryByDefault)
    {
        if (!outputs.Present)
        {
            return (AllOutputs.Get(modelOutputs.Count), binaryByDefault ? AllBinary.Get(modelOutputs.Count) : NoBinary.Get(modelOutputs.Count));
        }

        if (outputs.Token != JsonTokenType.StartArray)
        {
            throw InferenceException.BadRequest($"'outputs' must be an array, got {JsonTensorCodec.KindOf(outputs.Token)}");
        }

        var indexes = new List<int>();
        var binary = new List<bool>();
        var position = 0;
        var reader = ReaderAt(json, outputs);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var output = Capture(ref reader);
            Skip(ref reader, ref output);
            output.Start += outputs.Start;
            if (output.Token != JsonTokenType.StartObject)
            {
                throw NotAnObject(output, $"outputs[{position}]");
            }
            if (!TryFindProperty(json, output, "name"u8, out var nameField) || nameField.Token != JsonTokenType.String)
            {
                throw InferenceException.BadRequest($"outputs[{position}] needs a string 'name'");
            }

            position++;
            var index = IndexOf(json, nameField, modelOutputs);
            if (index < 0)
            {
                throw InferenceException.BadRequest($"unknown output '{StringOf(json, nameField)}'; model '{modelName}' has outputs {Names(modelOutputs)}");
            }

            var name = modelOutputs[index].Name;
            if (indexes.Contains(index))
            {
                throw InferenceException.BadRequest($"output '{name}' is requested more than once");
            }

            var wantsBinary = binaryByDefault;
            if (TryFindProperty(json, output, "parameters"u8, out var parameters))
            {
                if (parameters.Token != JsonTokenType.StartObject)
                {
                    throw NotAnObject(parameters, $"output '{name}' parameters");
                }
                if (TryFindProperty(json, parameters, "binary_data"u8, out _))
                {
                    wantsBinary = Flag(json, parameters, "binary_data"u8, "binary_data", $"output '{name}' parameter");
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

    /// <summary>A reader standing on the first token of <paramref name="field"/>'s value.</summary>
    private static Utf8JsonReader ReaderAt(ReadOnlySpan<byte> json, Field field)
    {
        var reader = new Utf8JsonReader(json.Slice(field.Start, field.Length), ReaderOptions);
        reader.Read();
        return reader;
    }

    /// <summary>The last property called <paramref name="name"/> of the object <paramref name="obj"/>.</summary>
    private static bool TryFindProperty(ReadOnlySpan<byte> json, Field obj, ReadOnlySpan<byte> name, out Field value)
    {
        value = default;
        var reader = ReaderAt(json, obj);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var found = Capture(ref reader);
            Skip(ref reader, ref found);
            if (match)
            {
                found.Start += obj.Start;
                value = found;
            }
        }

        return value.Present;
    }

    private static bool Flag(ReadOnlySpan<byte> json, Field parameters, ReadOnlySpan<byte> utf8Name, string name, string what) =>
        !TryFindProperty(json, parameters, utf8Name, out var value) ? false : value.Token switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw InferenceException.BadRequest($"{what} '{name}' must be true or false"),
        };

    // Callers test the kind themselves, so the description is formatted only for the error.
    private static InferenceException NotAnObject(Field field, string what) =>
        InferenceException.BadRequest($"{what} must be a JSON object, got {JsonTensorCodec.KindOf(field.Token)}");

    private static string StringOf(ReadOnlySpan<byte> json, Field field) => ReaderAt(json, field).GetString()!;

    private static bool DatatypeIs(ReadOnlySpan<byte> json, Field field, TensorElementType type) =>
        ReaderAt(json, field).ValueTextEquals(DataTypeNames.Name(type));

    /// <summary>The index of the tensor named by the JSON string <paramref name="name"/>, compared without making a string.</summary>
    private static int IndexOf(ReadOnlySpan<byte> json, Field name, IReadOnlyList<TensorInfo> infos)
    {
        var reader = ReaderAt(json, name);
        for (var i = 0; i < infos.Count; i++)
        {
            if (reader.ValueTextEquals(infos[i].Name))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Names(IReadOnlyList<TensorInfo> infos) => string.Join(", ", infos.Select(i => $"'{i.Name}'"));
}
