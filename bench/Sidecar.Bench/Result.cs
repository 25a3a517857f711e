namespace MlOperator.Sidecar.Bench;

/// <summary>One wrk run: latency percentiles in microseconds, completed requests per second, non-2xx answers.</summary>
/// <param name="Requests">Requests wrk completed.</param>
/// <param name="CpuUsPerRequest">Server CPU time per request (user + system), NaN until measured.</param>
internal sealed record Result(string Scenario, int Connections, double P50Us, double P99Us, double Throughput, long Errors, long Requests, double CpuUsPerRequest = double.NaN)
{
    public override string ToString() =>
        $"{Scenario,-40} {Connections,3} conns  p50 {P50Us,7:F0} µs  p99 {P99Us,7:F0} µs  {Throughput,7:F0} req/s  {CpuUsPerRequest,5:F0} µs CPU/req{(Errors > 0 ? $"  ({Errors} non-2xx)" : "")}";
}
