namespace MlOperator.Operator.Runtime.Cache;

/// <summary>The indexes every informer keeps.</summary>
public static class IndexNames
{
    /// <summary>metadata.namespace ("" for cluster-scoped objects).</summary>
    public const string Namespace = "namespace";

    /// <summary>The uid of every ownerReference, so children are found from their owner.</summary>
    public const string OwnerUid = "ownerUid";
}
