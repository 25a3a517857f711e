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

    public static async Task WriteAsync(HttpResponse response, string modelName, string modelVersion, InferRequest request,
        IReadOnlyList<TensorInfo> modelOutputs, Tensor[] outputs, CancellationToken cancellationToken)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        var blobs = new List<byte[]>();
        using (var writer = new Utf8JsonWriter(json))
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
                    blobs.Add(blob);
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
        }

        response.StatusCode = StatusCodes.Status200OK;
        if (blobs.Count == 0)
        {
            response.ContentType = "application/json";
            response.ContentLength = json.WrittenCount;
        }
        else
        {
            response.ContentType = "application/octet-stream";
            response.Headers[HeaderLengthHeader] = json.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.ContentLength = json.WrittenCount + blobs.Sum(b => (long)b.Length);
        }

        // Buffer the JSON and every blob in the response pipe and flush once: one write per part through
        // Response.Body would flush (a send each) per part.
        var body = response.BodyWriter;
        body.Write(json.WrittenSpan);
        foreach (var blob in blobs)
        {
            body.Write(blob);
        }

        await body.FlushAsync(cancellationToken);
    }

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = statusCode;
        if (statusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        return response.WriteAsJsonAsync(new ErrorBody(message), SidecarJsonContext.Relaxed.ErrorBody, cancellationToken: cancellationToken);
    }
}
