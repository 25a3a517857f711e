namespace MlOperator.Kubernetes.Emulator.Store;

internal enum ChangeType { Added, Modified, Deleted }

/// <summary>One committed change; Previous is the state before it (null for Added).</summary>
internal sealed record ChangeEvent(string StorageKey, ChangeType Type, StoredObject Object, StoredObject? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;

    public string TypeName => Type switch { ChangeType.Added => "ADDED", ChangeType.Modified => "MODIFIED", _ => "DELETED" };
}
