namespace MlOperator.Operator.Kube.Client;

public enum PatchType
{
    /// <summary>RFC 7386, <c>application/merge-patch+json</c>.</summary>
    Merge,
    /// <summary>RFC 6902, <c>application/json-patch+json</c>.</summary>
    Json,
    /// <summary><c>application/strategic-merge-patch+json</c>, built-in kinds only.</summary>
    StrategicMerge,
}

/// <summary>A patch body (JSON text) and its type.</summary>
public sealed record KubePatch(PatchType Type, string Body)
{
    public string ContentType => Type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };
}
