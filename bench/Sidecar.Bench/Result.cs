namespace MlOperator.Sidecar.Bench;

/// <summary>One scenario's numbers: latency percentiles in microseconds and completed requests per second.</summary>
internal sealed record Result(string Scenario, string Model, int Clients, double P50Us, double P99Us, double Throughput, int Errors)
{
    public static Result From(string scenario, string model, int clients, List<double> latenciesUs, TimeSpan elapsed, int errors)
    {
        latenciesUs.Sort();
        double At(double q) => latenciesUs.Count == 0 ? double.NaN : latenciesUs[Math.Min(latenciesUs.Count - 1, (int)(q * latenciesUs.Count))];
        return new Result(scenario, model, clients, At(0.50), At(0.99), latenciesUs.Count / elapsed.TotalSeconds, errors);
    }

    public override string ToString() =>
        $"{Scenario,-26} {Model,-4} {Clients,3} clients  p50 {P50Us,9:F0} µs  p99 {P99Us,9:F0} µs  {Throughput,9:F0} req/s{(Errors > 0 ? $"  ({Errors} errors)" : "")}";
}
