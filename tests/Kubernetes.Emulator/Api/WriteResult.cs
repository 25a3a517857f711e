using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Outcome of a write: the stored object (or the last state when Deleted), HTTP code and warnings.</summary>
internal sealed record WriteResult(StoredObject Object, int Code, bool Deleted, IReadOnlyList<string> Warnings);
