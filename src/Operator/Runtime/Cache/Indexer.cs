using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>
/// Thread-safe store of objects by key plus secondary indexes (index name → value → keys). It holds the
/// informer's own instances; <see cref="Informer{T}"/> copies before handing them to callers (except to its read-only reads).
/// </summary>
public sealed class Indexer<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexFuncs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _indexes = new(StringComparer.Ordinal);

    public Indexer()
    {
        AddIndex(IndexNames.Namespace, o => [o.Metadata.NamespaceProperty ?? ""]);
        AddIndex(IndexNames.OwnerUid, o => o.Metadata.OwnerReferences?.Select(r => r.Uid) ?? []);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds (or replaces) an index and builds it over what is stored.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexFunc)
    {
        lock (_gate)
        {
            _indexFuncs[name] = indexFunc;
            var index = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            _indexes[name] = index;
            foreach (var (key, item) in _items)
            {
                AddToIndex(index, indexFunc, key, item);
            }
        }
    }

    public T? Get(string key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> All()
    {
        lock (_gate)
        {
            return [.. _items.Values];
        }
    }

    public IReadOnlyList<string> Keys()
    {
        lock (_gate)
        {
            return [.. _items.Keys];
        }
    }

    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_gate)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"no index named \"{indexName}\"", nameof(indexName));
            }

            return index.TryGetValue(value, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Stores the object; returns the one it replaced.</summary>
    public T? Upsert(T item)
    {
        var key = ObjectKey.Of(item);
        lock (_gate)
        {
            var old = RemoveLocked(key);
            _items[key] = item;
            foreach (var (name, func) in _indexFuncs)
            {
                AddToIndex(_indexes[name], func, key, item);
            }

            return old;
        }
    }

    public T? Remove(string key)
    {
        lock (_gate)
        {
            return RemoveLocked(key);
        }
    }

    private T? RemoveLocked(string key)
    {
        if (!_items.Remove(key, out var old))
        {
            return null;
        }

        foreach (var (name, func) in _indexFuncs)
        {
            var index = _indexes[name];
            foreach (var value in func(old).Distinct())
            {
                if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    index.Remove(value);
                }
            }
        }

        return old;
    }

    private static void AddToIndex(Dictionary<string, HashSet<string>> index, Func<T, IEnumerable<string>> func, string key, T item)
    {
        foreach (var value in func(item))
        {
            if (!index.TryGetValue(value, out var keys))
            {
                index[value] = keys = new HashSet<string>(StringComparer.Ordinal);
            }

            keys.Add(key);
        }
    }
}
