using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

internal sealed record ListResult(IReadOnlyList<StoredObject> Items, long ResourceVersion, string? Continue);
