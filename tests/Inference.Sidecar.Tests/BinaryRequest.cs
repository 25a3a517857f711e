using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>Client side of Triton's binary tensor extension, written from the protocol description for the tests.</summary>
public static class BinaryRequest
{
    public static HttpContent Build(IEnumerable<(string Name, Tensor Tensor)> inputs, JsonObject? extra = null)
    {
        var header = extra?.DeepClone().AsObject() ?? new JsonObject();
        var array = new JsonArray();
        var blobs = new List<byte[]>();
        foreach (var (name, tensor) in inputs)
        {
            var blob = BinaryTensorCodec.Encode(tensor);
            blobs.Add(blob);
            array.Add(new JsonObject
            {
                ["name"] = name,
                ["datatype"] = DataTypeNames.Name(tensor.ElementType),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["parameters"] = new JsonObject { ["binary_data_size"] = blob.Length },
            });
        }

        header["inputs"] = array;
        return Raw(Encoding.UTF8.GetBytes(header.ToJsonString()), blobs.SelectMany(b => b).ToArray());
    }

    public static HttpContent Raw(byte[] json, byte[] binary, long? declaredHeaderLength = null)
    {
        var content = new ByteArrayContent([.. json, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", (declaredHeaderLength ?? json.Length).ToString());
        return content;
    }

    /// <summary>Splits a response into its JSON header and decodes every output, binary or JSON, into tensors.</summary>
    public static async Task<(JsonElement Header, Dictionary<string, Tensor> Outputs)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var headerLength = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values)
            ? int.Parse(values.Single())
            : body.Length;
        var header = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.Clone();
        var offset = headerLength;
        var outputs = new Dictionary<string, Tensor>();
        foreach (var output in header.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            Assert.True(DataTypeNames.TryParse(output.GetProperty("datatype").GetString()!, out var type));
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (output.TryGetProperty("parameters", out var p) && p.TryGetProperty("binary_data_size", out var size))
            {
                Assert.False(output.TryGetProperty("data", out _));
                var bytes = body.AsSpan(offset, size.GetInt32());
                offset += size.GetInt32();
                outputs[name] = type == TensorElementType.String
                    ? Tensor.FromStrings(shape, ReadStrings(bytes))
                    : Tensor.FromBytes(type, shape, bytes.ToArray());
            }
            else
            {
                outputs[name] = JsonTensorCodec.Read(output.GetProperty("data"), name, type, shape, long.MaxValue);
            }
        }

        Assert.Equal(body.Length, offset);
        return (header, outputs);
    }

    private static byte[][] ReadStrings(ReadOnlySpan<byte> bytes)
    {
        var result = new List<byte[]>();
        while (bytes.Length > 0)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            result.Add(bytes.Slice(4, length).ToArray());
            bytes = bytes[(4 + length)..];
        }

        return result.ToArray();
    }
}
