using System.Diagnostics;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference.Batching;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// The one served model. It is ready only after the file is verified, the session created and one warm-up inference
/// has run. With <see cref="SidecarOptions.WarmupRequestPath"/> that is the user's request, and its failure fails
/// startup; otherwise a synthetic run on zeros, whose failure is only a warning, because zeros are not a valid input
/// for every model (a zero divisor, a zero target shape) although real inputs are.
/// </summary>
public sealed class ModelHost(SidecarOptions options, SidecarMetrics metrics, TimeProvider time, ILogger<ModelHost> logger) : IAsyncDisposable
{
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OnnxSession? session;
    private DynamicBatcher? batcher;

    public string Name => options.ModelName;

    public string Version => options.ModelVersion;

    public string? Sha256 { get; private set; }

    public bool IsReady => session is not null;

    /// <summary>Completes when the model is ready; faults with the reason when loading failed.</summary>
    public Task Loaded => loaded.Task;

    public OnnxSession Session => session ?? throw new InferenceException(InferenceError.Unavailable, $"model '{Name}' is not ready");

    /// <summary>Runs requests, merging them when batching is on; set together with <see cref="Session"/>.</summary>
    public IInferenceRunner Runner => batcher ?? throw new InferenceException(InferenceError.Unavailable, $"model '{Name}' is not ready");

    public void Load()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            Sha256 = ModelFile.Verify(options.ModelPath, options.ModelSha256);
            var runtime = OnnxRuntime.Shared;
            var created = runtime.CreateSession(options.ModelPath, options.Session);
            try
            {
                WarmUp(created);
            }
            catch
            {
                created.Dispose();
                throw;
            }

            // One merged run at a time: overlapping runs (maxConcurrentRuns > 1) measured no faster on the
            // memory-bound bench CNN on 2 shared cores, and their smaller batches cost more CPU per row.
            batcher = new DynamicBatcher(created, options.MaxBatchSize, options.MaxBatchDelay, time, metrics, () => metrics.AwaitingInference,
                otherWorkPending: () => ThreadPool.PendingWorkItemCount > 0);
            session = created;
            metrics.ModelLoaded(Name, Version, Sha256, clock.Elapsed);
            logger.LogInformation("Model {Model} version {Version} (sha256 {Sha256}) ready in {Seconds:F3}s on {Runtime}",
                Name, Version, Sha256, clock.Elapsed.TotalSeconds, runtime.Description);
            loaded.TrySetResult();
        }
        catch (Exception e)
        {
            var failure = e as ModelLoadException ?? new ModelLoadException($"cannot load model '{options.ModelPath}': {e.Message}", e);
            loaded.TrySetException(failure);
            throw failure;
        }
    }

    private void WarmUp(OnnxSession candidate)
    {
        if (options.WarmupRequestPath is { } path)
        {
            RunWarmupRequest(candidate, path);
            return;
        }

        try
        {
            SyntheticWarmUp(candidate);
        }
        catch (Exception e) when (e is OnnxRuntimeException or ArgumentException or NotSupportedException or OverflowException)
        {
            logger.LogWarning("Synthetic warm-up of model {Model} on zeros failed, serving anyway (pass --warmup-request FILE " +
                "to warm up on a real request): {Reason}", Name, e.Message);
        }
    }

    private void RunWarmupRequest(OnnxSession candidate, string path)
    {
        byte[] body;
        try
        {
            body = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot read the warm-up request '{path}': {e.Message}", e);
        }

        try
        {
            var request = InferRequestReader.Read(body, null, Name, candidate.Inputs, candidate.Outputs, options.MaxTensorElements);
            candidate.Run(request.Inputs, request.OutputIndexes);
        }
        catch (Exception e) when (e is InferenceException or OnnxRuntimeException)
        {
            throw new ModelLoadException($"the warm-up request '{path}' failed on model '{options.ModelPath}': {e.Message}", e);
        }
    }

    /// <summary>One run on zeros, dynamic dimensions set to 1, so the first real request pays no lazy initialisation.</summary>
    private static void SyntheticWarmUp(OnnxSession candidate)
    {
        var inputs = candidate.Inputs.Select(i =>
        {
            var shape = i.Shape.Select(d => d < 0 ? 1 : d).ToArray();
            var count = Tensor.ElementCountOf(shape);
            return i.ElementType == TensorElementType.String
                ? Tensor.FromStrings(shape, Enumerable.Repeat(Array.Empty<byte>(), (int)count).ToArray())
                : Tensor.FromBytes(i.ElementType, shape, new byte[count * Tensor.ElementSize(i.ElementType)]);
        }).ToArray();
        candidate.Run(inputs, Enumerable.Range(0, candidate.Outputs.Count).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (batcher is not null)
        {
            await batcher.DisposeAsync();
        }

        session?.Dispose();
    }
}
