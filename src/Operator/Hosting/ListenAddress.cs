using System.Globalization;
using System.Net;

namespace MlOperator.Operator.Hosting;

/// <summary>A HOST:PORT to listen on, e.g. <c>0.0.0.0:8080</c>, <c>[::]:8080</c>, <c>localhost:0</c>.</summary>
public sealed record ListenAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out ListenAddress? address, out string? error)
    {
        address = null;
        error = null;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not HOST:PORT (for example 0.0.0.0:8080)";
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"'{text}': the port must be a number from 0 to 65535";
            return false;
        }

        if (host != "*" && host != "localhost" && !IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"'{text}': '{host}' is not an IP address or host name";
            return false;
        }

        address = new ListenAddress(host, port);
        return true;
    }

    /// <summary>The Kestrel URL; IPv6 addresses need brackets there.</summary>
    public string ToUrl() => Host.Contains(':') ? $"http://[{Host}]:{Port}" : $"http://{Host}:{Port}";

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
