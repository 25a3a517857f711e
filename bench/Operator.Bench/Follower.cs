using k8s;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Bench;

/// <summary>One list-then-watch loop over a namespace on the bench's own client, relisting after a dropped or expired watch.</summary>
internal static class Follower
{
    /// <summary>
    /// Reports every object of the list as <see cref="WatchEventType.Added"/>, then each watch event, until
    /// <paramref name="ct"/> is cancelled; <paramref name="started"/> completes after the first list.
    /// </summary>
    public static async Task FollowAsync<T>(KubeClient client, string ns, TaskCompletionSource started, Action<WatchEventType, T> seen, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await client.ListAsync<T>(ns, ct: ct);
                foreach (var item in list.Items)
                {
                    seen(WatchEventType.Added, item);
                }

                started.TrySetResult();
                await foreach (var e in client.WatchAsync<T>(ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }, ct))
                {
                    if (e.Object is { } obj && e.Type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    {
                        seen(e.Type, obj);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or GoneException)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
