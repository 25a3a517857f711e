using System.Globalization;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// The I/O edge of canary analysis: scrapes the canary and stable revisions and judges the window since the previous
/// scrape (the baseline) with <see cref="AnalysisJudge"/>. The baseline lives in status.canary.baseline, so an operator
/// restarted mid-step judges its next window from the last scrape before the restart; nothing is counted twice because
/// a check runs only when status says one is due.
/// </summary>
public sealed class CanaryAnalysis(IRevisionMetrics metrics)
{
    /// <summary>
    /// Scrapes both revisions and judges the window since <paramref name="previous"/>; the verdict is null when there was
    /// no baseline for these revisions (this scrape becomes it). The returned baseline is the next window's start.
    /// </summary>
    public async Task<(AnalysisVerdict? Verdict, AnalysisBaseline Baseline)> CheckAsync(
        string @namespace, string name, string canary, string stable, AnalysisLimits limits, AnalysisBaseline? previous, CancellationToken ct)
    {
        var now = await BaselineAsync(@namespace, name, canary, stable, ct).ConfigureAwait(false);
        if (previous is null || previous.Canary != canary || previous.Stable != stable)
        {
            return (null, now);
        }

        var verdict = AnalysisJudge.Judge(limits,
            RevisionWindow.Between(previous.CanaryPods, now.CanaryPods),
            RevisionWindow.Between(previous.StablePods, now.StablePods));
        return (verdict, now);
    }

    /// <summary>A scrape of both revisions (a step just started: its window starts now).</summary>
    public async Task<AnalysisBaseline> BaselineAsync(string @namespace, string name, string canary, string stable, CancellationToken ct)
    {
        var canaryTask = metrics.ScrapeAsync(@namespace, name, canary, ct);
        var stableTask = metrics.ScrapeAsync(@namespace, name, stable, ct);
        var (canaryScrape, stableScrape) = (await canaryTask.ConfigureAwait(false), await stableTask.ConfigureAwait(false));
        return new AnalysisBaseline(canary, stable, canaryScrape.At, canaryScrape.Pods, stableScrape.Pods) { Unreachable = canaryScrape.Unreachable.Count };
    }
}
