using System.Collections.Concurrent;
using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// Canary analysis input for tests that drive pods through the emulator's simulated kubelet (no sidecar runs): every
/// scrape of a revision adds <see cref="RequestsPerScrape"/> requests to one pod's counters, failing the share set
/// for that revision's model version. Tests with real sidecars and real traffic use the operator's pod scraper instead.
/// </summary>
public sealed class ScriptedRevisionMetrics(TimeProvider time) : IRevisionMetrics
{
    private readonly ConcurrentDictionary<string, (double Requests, double Errors)> _totals = new();
    private readonly ConcurrentDictionary<string, double> _errorRates = new();

    public int RequestsPerScrape { get; set; } = 200;

    /// <summary>Scrapes so far, per revision hash.</summary>
    public ConcurrentDictionary<string, int> Scrapes { get; } = new();

    /// <summary>The failing share of requests for a revision hash (0 unless set).</summary>
    public void SetErrorRate(string revision, double rate) => _errorRates[revision] = rate;

    public Task<RevisionScrape> ScrapeAsync(string @namespace, string modelDeployment, string revision, CancellationToken ct)
    {
        Scrapes.AddOrUpdate(revision, 1, (_, n) => n + 1);
        var rate = _errorRates.GetValueOrDefault(revision);
        var (requests, errors) = _totals.AddOrUpdate(revision,
            _ => (RequestsPerScrape, RequestsPerScrape * rate),
            (_, t) => (t.Requests + RequestsPerScrape, t.Errors + RequestsPerScrape * rate));

        // Every request took under 5 ms.
        var latency = new LatencyHistogram([0.005, double.PositiveInfinity], [requests, requests]);
        var pod = new PodSample($"{modelDeployment}-{revision}-0/uid-{revision}", time.GetUtcNow(), new PodCounters(requests, errors, latency));
        return Task.FromResult(new RevisionScrape(time.GetUtcNow(), [pod], 1, []));
    }
}
