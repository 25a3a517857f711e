using System.Collections.Concurrent;
using System.Globalization;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// The I/O edge of canary analysis: scrapes the canary and stable revisions, judges the window since the previous
/// scrape (the baseline) with <see cref="AnalysisJudge"/>, and keeps the new scrape as the next baseline. Baselines
/// live in memory per ModelDeployment; after a restart the first due check only takes a baseline (inconclusive, so
/// nothing is counted twice) and judging resumes one interval later.
/// </summary>
public sealed class CanaryAnalysis(IRevisionMetrics metrics)
{
    private sealed record Baseline(string Canary, string Stable, RevisionScrape CanaryScrape, RevisionScrape StableScrape);

    private readonly ConcurrentDictionary<(string Namespace, string Name), Baseline> _baselines = new();

    /// <summary>
    /// Scrapes both revisions and judges the window since the baseline; null when there was no baseline for this
    /// canary yet (the scrape becomes it).
    /// </summary>
    public async Task<AnalysisVerdict?> CheckAsync(string @namespace, string name, string canary, string stable, AnalysisLimits limits, CancellationToken ct)
    {
        var (canaryNow, stableNow) = await ScrapeBothAsync(@namespace, name, canary, stable, ct).ConfigureAwait(false);
        var key = (@namespace, name);
        var previous = _baselines.TryGetValue(key, out var b) && b.Canary == canary && b.Stable == stable ? b : null;
        _baselines[key] = new Baseline(canary, stable, canaryNow, stableNow);
        if (previous is null)
        {
            return null;
        }

        var verdict = AnalysisJudge.Judge(limits,
            RevisionWindow.Between(previous.CanaryScrape.Pods, canaryNow.Pods),
            RevisionWindow.Between(previous.StableScrape.Pods, stableNow.Pods));
        return canaryNow.Unreachable.Count == 0 || verdict.Outcome != AnalysisOutcome.Passed
            ? verdict
            : verdict with { Summary = verdict.Summary + string.Create(CultureInfo.InvariantCulture, $" ({canaryNow.Unreachable.Count} canary pod(s) not scraped)") };
    }

    /// <summary>Takes a fresh baseline (a step just started: its window starts now).</summary>
    public async Task BaselineAsync(string @namespace, string name, string canary, string stable, CancellationToken ct)
    {
        var (canaryNow, stableNow) = await ScrapeBothAsync(@namespace, name, canary, stable, ct).ConfigureAwait(false);
        _baselines[(@namespace, name)] = new Baseline(canary, stable, canaryNow, stableNow);
    }

    /// <summary>Drops what is kept for a ModelDeployment (its canary ended or it was deleted).</summary>
    public void Forget(string @namespace, string name) => _baselines.TryRemove((@namespace, name), out _);

    private async Task<(RevisionScrape Canary, RevisionScrape Stable)> ScrapeBothAsync(string @namespace, string name, string canary, string stable, CancellationToken ct)
    {
        var canaryTask = metrics.ScrapeAsync(@namespace, name, canary, ct);
        var stableTask = metrics.ScrapeAsync(@namespace, name, stable, ct);
        return (await canaryTask.ConfigureAwait(false), await stableTask.ConfigureAwait(false));
    }
}
