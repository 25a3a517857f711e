using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MlOperator.Operator.Kube.Client;

/// <summary>Client behaviour that is not cluster configuration: throttling, timeouts, retries, identity.</summary>
public sealed record KubeClientOptions
{
    public static string DefaultUserAgent { get; } = "mloperator/" + Version();

    /// <summary>Sustained requests per second (client-go's QPS); zero or less, the default, turns throttling off (the server's priority and fairness decides).</summary>
    public double Qps { get; init; }

    /// <summary>Requests allowed at once above <see cref="Qps"/> before callers wait.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>Limit for one attempt of a non-watch call, response body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts for idempotent calls, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First back-off step; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap on any single wait between attempts, a server's Retry-After included.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Randomise retry delays (decorrelated jitter) so many clients do not retry in lockstep; tests turn it off to check the exponential growth.</summary>
    public bool RetryJitter { get; init; } = true;

    public string UserAgent { get; init; } = DefaultUserAgent;

    /// <summary>Where retries are logged (one line per retry, with the reason and the wait); null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The meter for request metrics; null uses the process-wide "MlOperator.Operator" meter.</summary>
    public Meter? Meter { get; init; }

    private static string Version()
    {
        var version = typeof(KubeClientOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(KubeClientOptions).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+');
        return plus > 0 ? version[..plus] : version;
    }
}
