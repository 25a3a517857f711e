namespace MlOperator.Operator.Analysis;

/// <summary>One scrape of one pod. <see cref="Pod"/> identifies the pod instance (name and uid), so a pod replaced
/// under the same name is never subtracted from its predecessor.</summary>
public sealed record PodSample(string Pod, DateTimeOffset At, PodCounters Counters);
