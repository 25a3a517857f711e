using k8s;
using k8s.Models;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>Records informer callbacks as "add:name", "update:name", "delete:name".</summary>
public sealed class HandlerLog<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly List<string> _entries = [];

    public ResourceEventHandler<T> Handler => new(
        o => Log("add", o),
        (_, o) => Log("update", o),
        o => Log("delete", o));

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public int Count(string entry) => Entries.Count(e => e == entry);

    private void Log(string what, T obj)
    {
        lock (_entries)
        {
            _entries.Add($"{what}:{obj.Metadata.Name}");
        }
    }
}
