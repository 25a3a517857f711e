namespace MlOperator.Operator.Analysis;

/// <summary>Where canary analysis gets its numbers: one scrape of every Ready pod of one revision.</summary>
public interface IRevisionMetrics
{
    /// <summary>Scrapes /metrics of every Ready pod of <paramref name="revision"/> of a ModelDeployment; pods that did not answer are listed, never thrown.</summary>
    Task<RevisionScrape> ScrapeAsync(string @namespace, string modelDeployment, string revision, CancellationToken ct);
}

/// <summary>One scrape of a revision: the samples of the pods that answered, how many were Ready, and which did not answer.</summary>
public sealed record RevisionScrape(DateTimeOffset At, IReadOnlyList<PodSample> Pods, int ReadyPods, IReadOnlyList<string> Unreachable);
