namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Node ports for NodePort and LoadBalancer Services from kube's default range 30000-32767.</summary>
internal sealed class NodePortAllocator
{
    private const int First = 30000;
    private const int Size = 2768;
    private readonly HashSet<int> _used = [];
    private int _next;

    public int Allocate()
    {
        lock (_used)
        {
            for (var i = 0; i < Size; i++)
            {
                var candidate = First + (_next + i) % Size;
                if (!_used.Add(candidate)) continue;
                _next = candidate - First + 1;
                return candidate;
            }
            throw new ApiError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
        }
    }

    /// <summary>False when the port is in range and already taken.</summary>
    public bool Reserve(int port)
    {
        if (port is < First or >= First + Size) return true;
        lock (_used) return _used.Add(port);
    }

    public void Release(int port)
    {
        lock (_used) _used.Remove(port);
    }
}
