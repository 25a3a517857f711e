using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>
/// Runs one ONNX backend test: first ONNX Runtime in-process on the reference inputs (what it cannot load or run, or
/// gets wrong itself, is excluded with the reason), then the sidecar serving the model over the V2 JSON API, whose
/// answers must match the reference outputs within the ONNX backend tests' tolerance (rtol 1e-3, atol 1e-7).
/// </summary>
public static class ConformanceRunner
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-7;

    public static async Task<CaseOutcome> RunAsync(ConformanceCase c)
    {
        if (c.DataSets.Count == 0)
        {
            return CaseOutcome.Excluded(c, "no test_data_set");
        }

        List<(Tensor[] Inputs, Tensor[] Outputs)> sets;
        try
        {
            using var session = OnnxRuntime.Shared.CreateSession(c.ModelPath, new SessionSettings { IntraOpThreads = 1 });
            var loaded = LoadDataSets(c, session);
            if (loaded.Excluded is { } reason)
            {
                return CaseOutcome.Excluded(c, reason);
            }

            sets = loaded.Sets;
            foreach (var (inputs, expected) in sets)
            {
                Tensor[] actual;
                try
                {
                    actual = session.Run(inputs, [.. Enumerable.Range(0, session.Outputs.Count)]);
                }
                catch (OnnxRuntimeException e)
                {
                    return CaseOutcome.Excluded(c, $"ONNX Runtime fails on the reference inputs: {FirstLine(e.Message)}");
                }

                if (Compare(expected, actual) is { } difference)
                {
                    return CaseOutcome.Excluded(c, $"ONNX Runtime's own outputs differ from the reference: {difference}");
                }
            }
        }
        catch (OnnxRuntimeException e) when (e.Code == OrtErrorCode.NotImplemented && e.Message.Contains("not a tensor", StringComparison.Ordinal))
        {
            return CaseOutcome.Excluded(c, "a sequence/map/optional input or output: KServe V2 carries only tensors");
        }
        catch (NotSupportedException e)
        {
            // Complex, float8 and 4-bit types: KServe V2 has no datatype for them.
            return CaseOutcome.Excluded(c, $"an input or output datatype the sidecar does not serve (complex, float8, 4-bit): {e.Message}");
        }
        catch (OnnxRuntimeException e)
        {
            return CaseOutcome.Excluded(c, $"ONNX Runtime cannot load the model: {FirstLine(e.Message)}");
        }

        await using var factory = new SidecarFactory("conformance", new Dictionary<string, string>
        {
            [SidecarOptions.ModelPathKey] = c.ModelPath,
            [SidecarOptions.ModelNameKey] = "conformance",
        });
        using var client = await factory.ReadyClientAsync();
        var model = factory.Services.GetService(typeof(ModelHost)) as ModelHost;
        var outputs = model!.Session.Outputs;
        var inputsInfo = model.Session.Inputs;
        for (var s = 0; s < sets.Count; s++)
        {
            var body = RequestBody(inputsInfo, sets[s].Inputs);
            using var response = await client.PostAsync("/v2/models/conformance/infer", new ByteArrayContent(body));
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return CaseOutcome.Failed(c, $"data set {s}: HTTP {(int)response.StatusCode}: {Truncate(text)}");
            }

            using var document = JsonDocument.Parse(text);
            var served = new Tensor[outputs.Count];
            foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
            {
                var name = output.GetProperty("name").GetString()!;
                var index = outputs.ToList().FindIndex(o => o.Name == name);
                if (!DataTypeNames.TryParse(output.GetProperty("datatype").GetString()!, out var type))
                {
                    return CaseOutcome.Failed(c, $"output '{name}' has an unknown datatype");
                }

                var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                served[index] = JsonTensorCodec.Read(output.GetProperty("data"), name, type, shape, long.MaxValue);
            }

            if (Compare(sets[s].Outputs, served) is { } difference)
            {
                return CaseOutcome.Failed(c, $"data set {s} over HTTP: {difference}");
            }
        }

        return CaseOutcome.Passed(c);
    }

    private static (List<(Tensor[] Inputs, Tensor[] Outputs)> Sets, string? Excluded) LoadDataSets(ConformanceCase c, OnnxSession session)
    {
        var sets = new List<(Tensor[], Tensor[])>();
        foreach (var dataSet in c.DataSets)
        {
            var inputFiles = OnnxBackendTestData.Files(dataSet, "input");
            var outputFiles = OnnxBackendTestData.Files(dataSet, "output");
            if (inputFiles.Length != session.Inputs.Count || outputFiles.Length != session.Outputs.Count)
            {
                return (sets, $"the test data has {inputFiles.Length} inputs and {outputFiles.Length} outputs, the model " +
                    $"{session.Inputs.Count} and {session.Outputs.Count} (omitted optional inputs)");
            }

            var inputs = new Tensor[inputFiles.Length];
            for (var i = 0; i < inputFiles.Length; i++)
            {
                var (name, tensor, unsupported) = TensorProtoReader.Read(inputFiles[i]);
                if (tensor is null)
                {
                    return (sets, unsupported);
                }

                var index = session.Inputs.ToList().FindIndex(x => x.Name == name);
                inputs[index >= 0 ? index : i] = tensor;
            }

            var outputs = new Tensor[outputFiles.Length];
            for (var j = 0; j < outputFiles.Length; j++)
            {
                var (name, tensor, unsupported) = TensorProtoReader.Read(outputFiles[j]);
                if (tensor is null)
                {
                    return (sets, unsupported);
                }

                var index = session.Outputs.ToList().FindIndex(x => x.Name == name);
                outputs[index >= 0 ? index : j] = tensor;
            }

            sets.Add((inputs, outputs));
        }

        return (sets, null);
    }

    private static byte[] RequestBody(IReadOnlyList<TensorInfo> infos, Tensor[] inputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            for (var i = 0; i < inputs.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", infos[i].Name);
                writer.WriteString("datatype", DataTypeNames.Name(inputs[i].ElementType));
                writer.WriteStartArray("shape");
                foreach (var d in inputs[i].Shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("data");
                JsonTensorCodec.WriteData(writer, inputs[i]);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Null when every output matches: same type and shape, exact for integers/bools/strings, allclose for floats.</summary>
    public static string? Compare(Tensor[] expected, Tensor[] actual)
    {
        for (var k = 0; k < expected.Length; k++)
        {
            var (e, a) = (expected[k], actual[k]);
            if (a is null)
            {
                return $"output {k} is missing";
            }

            if (e.ElementType != a.ElementType || !e.Shape.SequenceEqual(a.Shape))
            {
                return $"output {k}: expected {e.ElementType}{JsonTensorCodec.ShapeText(e.Shape)}, got {a.ElementType}{JsonTensorCodec.ShapeText(a.Shape)}";
            }

            var difference = e.ElementType switch
            {
                TensorElementType.Float => Close(e.Span<float>().ToArray().Select(v => (double)v).ToArray(), a.Span<float>().ToArray().Select(v => (double)v).ToArray()),
                TensorElementType.Double => Close(e.ToArray<double>(), a.ToArray<double>()),
                TensorElementType.Float16 => Close(e.ToArray<Half>().Select(v => (double)v).ToArray(), a.ToArray<Half>().Select(v => (double)v).ToArray()),
                TensorElementType.BFloat16 => Close(e.ToArray<ushort>().Select(v => (double)BFloat16Bits.ToSingle(v)).ToArray(),
                    a.ToArray<ushort>().Select(v => (double)BFloat16Bits.ToSingle(v)).ToArray()),
                TensorElementType.String => e.ToStrings().SequenceEqual(a.ToStrings()) ? null : "strings differ",
                _ => e.Bytes.AsSpan().SequenceEqual(a.Bytes) ? null : "values differ",
            };
            if (difference is not null)
            {
                return $"output {k}: {difference}";
            }
        }

        return null;
    }

    private static string? Close(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (double.IsNaN(e) && double.IsNaN(a) || e == a)
            {
                continue;
            }

            if (!(Math.Abs(a - e) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(e)))
            {
                return string.Create(CultureInfo.InvariantCulture, $"element {i}: expected {e:R}, got {a:R}");
            }
        }

        return null;
    }

    private static string FirstLine(string message) => Truncate(message.Split('\n')[0].Trim());

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
