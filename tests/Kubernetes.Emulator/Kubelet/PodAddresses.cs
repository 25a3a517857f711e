using System.Net;
using System.Net.Sockets;

namespace MlOperator.Kubernetes.Emulator.Kubelet;

/// <summary>
/// Pod IPs from 127.1.0.0/16 (Linux routes all of 127/8 to lo), shared by every emulator in the process and started
/// at a random offset so two processes (parallel test runs) rarely meet; an address whose port cannot be bound is skipped.
/// </summary>
internal static class PodAddresses
{
    private static readonly HashSet<int> InUse = [];
    private static int _next = Random.Shared.Next(1, 65_000);

    public static IPAddress Allocate(int port)
    {
        lock (InUse)
        {
            for (var tries = 0; tries < 512; tries++)
            {
                var n = _next++ % 65_536;
                if ((n & 0xff) is 0 or 255 || InUse.Contains(n)) continue;
                var address = new IPAddress(new byte[] { 127, 1, (byte)(n >> 8), (byte)n });
                if (!Bindable(address, port)) continue;
                InUse.Add(n);
                return address;
            }
        }
        // Usually a process listening on 0.0.0.0:{port}: on one host that takes the port from every pod address.
        throw new InvalidOperationException($"no pod address in 127.1.0.0/16 can bind port {port}; is something listening on 0.0.0.0:{port}?");
    }

    public static void Release(IPAddress address)
    {
        var b = address.GetAddressBytes();
        lock (InUse) InUse.Remove((b[2] << 8) | b[3]);
    }

    private static bool Bindable(IPAddress address, int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
