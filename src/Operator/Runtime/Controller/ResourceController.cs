using MlOperator.Operator.Runtime.Queue;
using Microsoft.Extensions.Logging;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// A named controller: its watch sources feed a rate-limited work queue drained by N workers that call the
/// reconciler. Each run builds a fresh queue and registers handlers anew, so the manager can stop it on
/// losing leadership and start it again later (informers replay their cache as adds on registration).
/// </summary>
public sealed class ResourceController(
    string name,
    IReconciler reconciler,
    IReadOnlyList<IWatchSource> sources,
    ControllerOptions options,
    TimeProvider time,
    ILogger logger)
{
    private volatile RateLimitingWorkQueue<ReconcileRequest>? _queue;

    public string Name { get; } = name;

    /// <summary>What this controller runs for each request: for tests and diagnostics.</summary>
    internal IReconciler Reconciler { get; } = reconciler;

    public ControllerOptions Options { get; } = options;

    public IReadOnlyList<IWatchSource> Sources { get; } = sources;

    /// <summary>The queue of the current run (null when not running): for tests and diagnostics.</summary>
    internal RateLimitingWorkQueue<ReconcileRequest>? Queue => _queue;

    public Task WaitForSyncAsync(CancellationToken ct) => Task.WhenAll(Sources.Select(s => s.WaitForSyncAsync(ct)));

    /// <summary>Runs until cancelled; in-flight reconciles see the token cancelled and are not retried.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var queue = new RateLimitingWorkQueue<ReconcileRequest>(Name, time, Options.RateLimiter?.Invoke(time));
        _queue = queue;
        var registrations = new List<IDisposable>();
        try
        {
            await WaitForSyncAsync(ct).ConfigureAwait(false);
            registrations.AddRange(Sources.Select(s => s.Start(queue.Add)));
            logger.LogInformation("Controller {Controller} started with {Workers} workers", Name, Options.Workers);
            var workers = Enumerable.Range(0, Math.Max(1, Options.Workers)).Select(_ => Task.Run(() => WorkAsync(queue, ct), CancellationToken.None));
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }

            queue.ShutDown();
            _queue = null;
            logger.LogInformation("Controller {Controller} stopped", Name);
        }
    }

    private async Task WorkAsync(RateLimitingWorkQueue<ReconcileRequest> queue, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            ReconcileRequest request;
            try
            {
                (request, var shuttingDown) = await queue.GetAsync(ct).ConfigureAwait(false);
                if (shuttingDown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ProcessAsync(queue, request, ct).ConfigureAwait(false);
            }
            finally
            {
                queue.Done(request);
            }
        }
    }

    /// <summary>The one place that turns a reconcile outcome into queue operations.</summary>
    private async Task ProcessAsync(RateLimitingWorkQueue<ReconcileRequest> queue, ReconcileRequest request, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["controller"] = Name,
            ["resource"] = request.ToString(),
            ["reconcileId"] = Guid.NewGuid().ToString("n")[..8],
        });
        var started = time.GetTimestamp();
        Outcome outcome;
        var requeueAfter = TimeSpan.Zero;
        Exception? error = null;
        try
        {
            var result = await Reconciler.ReconcileAsync(request, ct).ConfigureAwait(false);
            (outcome, requeueAfter) = result switch
            {
                { RequeueAfter: var after } when after > TimeSpan.Zero => (Outcome.RequeueAfter, after),
                { Requeue: true } => (Outcome.Requeue, TimeSpan.Zero),
                _ => (Outcome.Success, TimeSpan.Zero),
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the next leader (or the next run) starts from the informer cache anyway.
            return;
        }
        catch (TerminalReconcileException ex)
        {
            (outcome, error) = (Outcome.Terminal, ex);
        }
        catch (Exception ex)
        {
            (outcome, error) = (Outcome.Error, ex);
        }

        var elapsed = time.GetElapsedTime(started);
        switch (outcome)
        {
            case Outcome.Error:
                logger.LogError(error, "Reconcile of {Resource} failed; retry {Retry} with back-off", request, queue.NumRequeues(request) + 1);
                queue.AddRateLimited(request);
                ControllerMetrics.Record(Name, "error", elapsed);
                break;
            case Outcome.Terminal:
                logger.LogError(error, "Reconcile of {Resource} failed terminally; not retrying", request);
                queue.Forget(request);
                ControllerMetrics.Record(Name, "error", elapsed);
                break;
            case Outcome.RequeueAfter:
                queue.Forget(request);
                queue.AddAfter(request, requeueAfter);
                ControllerMetrics.Record(Name, "requeue_after", elapsed);
                break;
            case Outcome.Requeue:
                queue.AddRateLimited(request);
                ControllerMetrics.Record(Name, "requeue", elapsed);
                break;
            default:
                queue.Forget(request);
                ControllerMetrics.Record(Name, "success", elapsed);
                break;
        }
    }

    private enum Outcome
    {
        Success,
        Requeue,
        RequeueAfter,
        Error,
        Terminal,
    }
}
