namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// core/v1 Event (named CoreEvent so it does not clash with C# events). Repeats of one event are folded into
/// a single object by bumping <see cref="Count"/> and <see cref="LastTimestamp"/>.
/// </summary>
[KubeResource("", "v1", "Event", "events")]
public sealed class CoreEvent : KubeObject
{
    public ObjectReference InvolvedObject { get; set; } = new();
    public string? Reason { get; set; }
    public string? Message { get; set; }
    /// <summary>"Normal" or "Warning".</summary>
    public string? Type { get; set; }
    public int? Count { get; set; }
    public DateTimeOffset? FirstTimestamp { get; set; }
    public DateTimeOffset? LastTimestamp { get; set; }
    public EventSource? Source { get; set; }
    public string? ReportingComponent { get; set; }
    public string? ReportingInstance { get; set; }
    public string? Action { get; set; }
    /// <summary>MicroTime; the events.k8s.io view calls it eventTime.</summary>
    public DateTimeOffset? EventTime { get; set; }
}
