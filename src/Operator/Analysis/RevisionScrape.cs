namespace MlOperator.Operator.Analysis;

/// <summary>
/// One scrape of a revision: a sample per pod that answered, how many pods were Ready (scraped or not), and the
/// names of the Ready pods that did not answer (unreachable, not 200, too slow or not Prometheus text).
/// </summary>
public sealed record RevisionScrape(DateTimeOffset At, IReadOnlyList<PodSample> Pods, int ReadyPods, IReadOnlyList<string> Unreachable);
