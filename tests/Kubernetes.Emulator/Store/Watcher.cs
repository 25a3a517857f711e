using System.Threading.Channels;

namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>
/// One open watch on a storage bucket. Events (and bookmark ticks, as null) are queued without blocking the
/// writer; the HTTP side drains the channel. Dropped is cancelled by fault injection or store shutdown.
/// </summary>
internal sealed class Watcher(string storageKey) : IDisposable
{
    private readonly CancellationTokenSource _dropped = new();

    public string StorageKey { get; } = storageKey;

    public Channel<ChangeEvent?> Events { get; } = Channel.CreateUnbounded<ChangeEvent?>(new UnboundedChannelOptions { SingleReader = true });

    public CancellationToken Dropped => _dropped.Token;

    public void Drop()
    {
        try { _dropped.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose() => _dropped.Dispose();
}
