namespace MlOperator.Operator.Kube.Client;

public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>Events after this version; null or "0" starts with a synthetic ADDED per existing object.</summary>
    public string? ResourceVersion { get; init; }
    public bool AllowBookmarks { get; init; } = true;
    public int? TimeoutSeconds { get; init; }
}
