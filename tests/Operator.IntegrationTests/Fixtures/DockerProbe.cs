using System.Net.Sockets;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>Whether a Docker daemon answers <c>GET /_ping</c> on DOCKER_HOST (unix or tcp) or /var/run/docker.sock.</summary>
public static class DockerProbe
{
    public static bool Answers(string? dockerHost, TimeSpan timeout)
    {
        var host = string.IsNullOrEmpty(dockerHost) ? "unix:///var/run/docker.sock" : dockerHost;
        try
        {
            using var handler = new SocketsHttpHandler();
            Uri baseAddress;
            if (host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = host["unix://".Length..];
                if (!File.Exists(path))
                {
                    return false;
                }

                handler.ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                };
                baseAddress = new Uri("http://docker");
            }
            else
            {
                baseAddress = new Uri(host.Replace("tcp://", "http://", StringComparison.Ordinal));
            }

            using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
            using var response = http.GetAsync("/_ping").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or IOException or UriFormatException)
        {
            return false;
        }
    }
}
