namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>What a new watch starts with: synthetic/backlog events, or a too-old error (TooOldBy = the compaction point).</summary>
internal sealed record WatchStart(Watcher? Watcher, IReadOnlyList<ChangeEvent> Initial, long StartResourceVersion, long? CompactedAt);
