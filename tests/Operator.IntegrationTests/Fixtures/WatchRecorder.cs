using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// Every version of one kind's objects in a namespace written after <see cref="StartAsync"/>, in order, as a watch
/// delivers them: for "never" assertions (a replica count that never dips, a count that never decreases) that a poll,
/// seeing only samples, cannot make. Lists first and watches from the list's resourceVersion, as an informer does, so
/// nothing written after the start is missed; a watch the server ends is resumed where it stopped.
/// </summary>
public sealed class WatchRecorder<T> : IAsyncDisposable where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<T> _seen = new();
    private Task _run = Task.CompletedTask;
    private Exception? _failure;

    private WatchRecorder()
    {
    }

    public static async Task<WatchRecorder<T>> StartAsync(IKubeClient client, string ns)
    {
        var recorder = new WatchRecorder<T>();
        var list = await client.ListAsync<T>(ns);
        recorder._run = Task.Run(() => recorder.RunAsync(client, ns, list.Metadata.ResourceVersion));
        return recorder;
    }

    /// <summary>The versions seen so far (added, modified and the last of each deleted object), oldest first.</summary>
    public IReadOnlyList<T> Seen
    {
        get
        {
            Assert.True(_failure is null, $"the {typeof(T).Name} watch failed, so versions may be missing: {_failure}");
            return [.. _seen];
        }
    }

    private async Task RunAsync(IKubeClient client, string ns, string? resourceVersion)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await foreach (var e in client.WatchAsync<T>(ns, new WatchOptions { ResourceVersion = resourceVersion }, _stop.Token))
                {
                    if (e.Type == WatchEventType.Error || e.Object is null)
                    {
                        throw new InvalidOperationException($"watch error: {e.Status?.Code} {e.Status?.Message}");
                    }

                    if (e.Type != WatchEventType.Bookmark)
                    {
                        _seen.Enqueue(e.Object);
                    }

                    resourceVersion = e.Object.Metadata.ResourceVersion ?? resourceVersion;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
