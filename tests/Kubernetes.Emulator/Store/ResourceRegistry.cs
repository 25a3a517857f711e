namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>Served resources: the built-ins plus whatever established CRDs add. Copy-on-write for lock-free reads.</summary>
internal sealed class ResourceRegistry
{
    private readonly object _gate = new();
    private volatile IReadOnlyList<ResourceType> _all = BuiltInTypes.All;

    public IReadOnlyList<ResourceType> All => _all;

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var t in _all)
            if (t.Plural == plural && t.Version == version && t.Group == group) return t;
        return null;
    }

    /// <summary>Groups in discovery order (core first, built-ins, then CRD groups), each with its versions.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var g in _all.Select(t => t.Group).Distinct())
            result.Add((g, _all.Where(t => t.Group == g).Select(t => t.Version).Distinct().ToList()));
        return result;
    }

    public void ReplaceCrd(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (_gate) _all = [.. _all.Where(t => t.CrdName != crdName), .. types];
    }

    public void RemoveCrd(string crdName) => ReplaceCrd(crdName, []);
}
