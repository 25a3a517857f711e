using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>
/// <c>POST /v2/models/{name}[/versions/{v}]/infer</c>: admission, body limits, decoding, the run, the response,
/// and exactly one <c>inference_requests_total</c> increment and duration sample per request, whatever happens.
/// </summary>
public sealed class InferHandler(ModelHost model, AdmissionControl admission, SidecarOptions options, SidecarMetrics metrics, ILogger<InferHandler> logger,
    InjectedFaults faults)
{
    public async Task HandleAsync(HttpContext context, string name, string? version)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status200OK;
        var cancellation = context.RequestAborted;
        var admitted = false;
        var inferencePending = false;
        byte[]? rented = null;
        try
        {
            ModelRoutes.Check(model, name, version);
            if (!model.IsReady)
            {
                throw new InferenceException(InferenceError.Unavailable, $"model '{model.Name}' is not ready yet");
            }

            if (faults.Active)
            {
                await faults.ApplyAsync(cancellation);
            }

            admitted = admission.TryEnter() || await admission.WaitAsync(cancellation);
            if (!admitted)
            {
                throw new InferenceException(InferenceError.Unavailable,
                    $"overloaded: {options.MaxInflight} requests in flight and {options.MaxQueue} waiting; retry later");
            }

            inferencePending = true;

            int length;
            (rented, length) = await ReadBodyAsync(context, options.MaxBodyBytes, cancellation);
            var session = model.Session;
            var request = InferRequestReader.Read(rented.AsMemory(0, length), HeaderLength(context.Request), model.Name,
                session.Inputs, session.Outputs, options.MaxTensorElements);
            ArrayPool<byte>.Shared.Return(rented); // the request's tensors own copies; free the body before running
            rented = null;

            var outputs = await model.Runner.RunAsync(request.Inputs, request.OutputIndexes, cancellation);
            admission.InferenceFinished();
            inferencePending = false;
            await InferResponseWriter.WriteAsync(context.Response, model.Name, model.Version, request, session.Outputs, outputs, cancellation);
        }
        catch (InferenceException e)
        {
            status = ErrorStatus.Of(e.Error);
            await InferResponseWriter.WriteErrorAsync(context.Response, status, e.Message, cancellation);
        }
        catch (OnnxRuntimeException e) when (e.Code == OrtErrorCode.InvalidArgument)
        {
            status = StatusCodes.Status400BadRequest;
            await InferResponseWriter.WriteErrorAsync(context.Response, status, $"ONNX Runtime rejected the inputs: {e.Message}", cancellation);
        }
        catch (BadHttpRequestException e)
        {
            status = e.StatusCode;
            await InferResponseWriter.WriteErrorAsync(context.Response, status, e.Message, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            status = 499; // client went away; nothing to answer (nginx's convention for the metric)
        }
        catch (Exception e)
        {
            status = StatusCodes.Status500InternalServerError;
            logger.LogError(e, "Inference failed");
            await InferResponseWriter.WriteErrorAsync(context.Response, status, $"inference failed: {e.Message}", cancellation);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            if (admitted)
            {
                admission.Exit(inferencePending);
            }

            metrics.RequestCompleted(model.Name, model.Version, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private static long? HeaderLength(HttpRequest request)
    {
        var value = request.Headers[InferResponseWriter.HeaderLengthHeader];
        if (value.Count == 0)
        {
            return null;
        }

        return long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw InferenceException.BadRequest($"{InferResponseWriter.HeaderLengthHeader} must be a non-negative integer, got '{value}'");
    }

    /// <summary>Reads the whole body into a pooled buffer, refusing (413) anything over the limit before or while reading.</summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(HttpContext context, long maxBytes, CancellationToken cancellation)
    {
        var limit = (int)Math.Min(maxBytes, Array.MaxLength - 1);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(declared.Value, limit);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } d ? (int)Math.Max(d, 1) : 16 * 1024);
        var length = 0;
        try
        {
            var body = context.Request.Body;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(length, limit);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellation);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge(length, limit);
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static InferenceException TooLarge(long size, long limit) =>
        new(InferenceError.TooLarge, $"request body of {(size > limit + 1 ? size.ToString(CultureInfo.InvariantCulture) : "more than " + limit)} bytes is over the limit of {limit} bytes");
}
