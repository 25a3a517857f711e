namespace MlOperator.Sidecar.Bench;

/// <summary>One wrk run: latency percentiles in microseconds, completed requests per second, non-2xx answers.</summary>
internal sealed record Result(string Scenario, int Connections, double P50Us, double P99Us, double Throughput, long Errors)
{
    public override string ToString() =>
        $"{Scenario,-44} {Connections,3} conns  p50 {P50Us,8:F0} µs  p99 {P99Us,8:F0} µs  {Throughput,8:F0} req/s{(Errors > 0 ? $"  ({Errors} non-2xx)" : "")}";
}
