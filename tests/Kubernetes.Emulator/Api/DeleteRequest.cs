namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>DeleteOptions from the body or query: propagationPolicy and uid/resourceVersion preconditions.</summary>
internal sealed record DeleteRequest(string? PropagationPolicy = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false);
