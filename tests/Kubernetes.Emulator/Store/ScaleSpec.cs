namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>Where a scalable resource keeps its replicas (CRD subresources.scale paths, e.g. ".spec.replicas").</summary>
internal sealed record ScaleSpec(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
