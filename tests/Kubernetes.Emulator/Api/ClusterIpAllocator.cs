namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Hands out Service cluster IPs from 10.96.0.0/12 (10.96.0.1 is the kubernetes Service in a real cluster).</summary>
internal sealed class ClusterIpAllocator
{
    private readonly HashSet<uint> _used = [];
    private uint _next = 10;
    private const uint Base = (10u << 24) | (96u << 16);
    private const uint Size = 1u << 20;

    public string Allocate()
    {
        lock (_used)
        {
            for (var i = 0u; i < Size; i++)
            {
                var candidate = (_next + i) % Size;
                if (candidate < 2 || !_used.Add(candidate)) continue;
                _next = candidate + 1;
                return Format(Base + candidate);
            }
            throw new ApiError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
        }
    }

    public bool Reserve(string ip)
    {
        if (!TryOffset(ip, out var offset)) return true;
        lock (_used) return _used.Add(offset);
    }

    public void Release(string? ip)
    {
        if (ip is null || !TryOffset(ip, out var offset)) return;
        lock (_used) _used.Remove(offset);
    }

    public static bool InRange(string ip) => TryOffset(ip, out _);

    private static bool TryOffset(string ip, out uint offset)
    {
        offset = 0;
        if (!System.Net.IPAddress.TryParse(ip, out var addr) || addr.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        var b = addr.GetAddressBytes();
        var value = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        if (value < Base || value >= Base + Size) return false;
        offset = value - Base;
        return true;
    }

    private static string Format(uint v) => $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";
}
