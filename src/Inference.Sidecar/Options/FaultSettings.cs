using System.Globalization;

namespace MlOperator.Inference.Sidecar.Options;

/// <summary>
/// Test and chaos settings: make a healthy model look like a bad release, so canary analysis and rollback can be
/// exercised with real traffic. Off by default; never set them in production. Kept apart from
/// <see cref="SidecarOptions"/> because they are not part of the pod contract the operator writes.
/// </summary>
public sealed record FaultSettings
{
    public const string ErrorRateKey = "MLOP_FAULT_ERROR_RATE";
    public const string LatencyMsKey = "MLOP_FAULT_LATENCY_MS";

    /// <summary>Fraction 0..1 of infer requests answered 500; request n fails iff floor(n·rate) &gt; floor((n−1)·rate).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Added to every infer request before it is processed, inside the measured duration.</summary>
    public TimeSpan Latency { get; init; }

    public bool Active => ErrorRate > 0 || Latency > TimeSpan.Zero;

    public static FaultSettings FromConfiguration(IConfiguration configuration)
    {
        string? Get(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var rate = 0.0;
        if (Get(ErrorRateKey) is { } rateText &&
            (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !(rate >= 0 && rate <= 1)))
        {
            throw new SidecarOptionsException($"{ErrorRateKey} must be a fraction from 0 to 1, got '{rateText}'");
        }

        var latency = 0.0;
        if (Get(LatencyMsKey) is { } latencyText &&
            (!double.TryParse(latencyText, NumberStyles.Float, CultureInfo.InvariantCulture, out latency) || !(latency >= 0 && latency <= 600_000)))
        {
            throw new SidecarOptionsException($"{LatencyMsKey} must be milliseconds from 0 to 600000, got '{latencyText}'");
        }

        return new FaultSettings { ErrorRate = rate, Latency = TimeSpan.FromMilliseconds(latency) };
    }
}
