using System.Buffers;
using System.Text.Json;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>
/// Writes a V2 infer response. Outputs asked for as binary carry a <c>binary_data_size</c> parameter instead of
/// <c>data</c> and their bytes follow the JSON in output order; the JSON's length then goes in
/// <c>Inference-Header-Content-Length</c>.
/// </summary>
public static class InferResponseWriter
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>Buffers above this are not kept for the next response on the thread (a rare huge answer must not pin memory).</summary>
    private const int KeptBufferBytes = 1 << 20;

    // The JSON is built synchronously before the first await, so one buffer and writer per thread serve every response.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? threadWriter;

    public static async Task WriteAsync(HttpResponse response, string modelName, string modelVersion, InferRequest request,
        IReadOnlyList<TensorInfo> modelOutputs, Tensor[] outputs, CancellationToken cancellationToken)
    {
        var json = threadBuffer ?? new ArrayBufferWriter<byte>(1024);
        json.ResetWrittenCount();
        var writer = threadWriter ?? new Utf8JsonWriter(json);
        writer.Reset(json);
        List<byte[]>? blobs = null;
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", modelName);
            writer.WriteString("model_version", modelVersion);
            if (request.Id is not null)
            {
                writer.WriteString("id", request.Id);
            }

            writer.WriteStartArray("outputs");
            for (var j = 0; j < outputs.Length; j++)
            {
                var tensor = outputs[j];
                writer.WriteStartObject();
                writer.WriteString("name", modelOutputs[request.OutputIndexes[j]].Name);
                writer.WriteString("datatype", DataTypeNames.Name(tensor.ElementType));
                writer.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                if (request.BinaryOutputs[j])
                {
                    var blob = BinaryTensorCodec.Encode(tensor);
                    (blobs ??= []).Add(blob);
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", blob.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WritePropertyName("data");
                    JsonTensorCodec.WriteData(writer, tensor);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
        }

        response.StatusCode = StatusCodes.Status200OK;
        if (blobs is null)
        {
            response.ContentType = "application/json";
            response.ContentLength = json.WrittenCount;
        }
        else
        {
            response.ContentType = "application/octet-stream";
            response.Headers[HeaderLengthHeader] = json.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            long length = json.WrittenCount;
            foreach (var blob in blobs)
            {
                length += blob.Length;
            }

            response.ContentLength = length;
        }

        // Buffer the JSON and every blob in the response pipe and flush once: one write per part through
        // Response.Body would flush (a send each) per part.
        var body = response.BodyWriter;
        body.Write(json.WrittenSpan);
        if (blobs is not null)
        {
            foreach (var blob in blobs)
            {
                body.Write(blob);
            }
        }

        // Kept for the next response on this thread only now that the pipe holds a copy (nothing awaited before here).
        (threadBuffer, threadWriter) = json.Capacity <= KeptBufferBytes ? (json, writer) : (null, null);

        await body.FlushAsync(cancellationToken);
    }

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, CancellationToken cancellationToken) =>
        WriteErrorAsync(response, statusCode, default, message, cancellationToken);

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, Microsoft.Extensions.Primitives.StringValues allow, string message,
        CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = statusCode;
        if (allow.Count > 0)
        {
            response.Headers.Allow = allow;
        }

        if (statusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        return response.WriteAsJsonAsync(new ErrorBody(message), SidecarJsonContext.Relaxed.ErrorBody, cancellationToken: cancellationToken);
    }
}
