using System.Collections.Concurrent;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator;

/// <summary>
/// Test hooks: fail or delay matching requests, drop open watches, compact watch history, and count requests
/// by verb and resource. Verbs are kube's (get, list, watch, create, update, patch, delete, deletecollection);
/// resources are plurals, optionally with a subresource ("deployments/status"). Null matches anything.
/// </summary>
public sealed class FaultInjector
{
    private sealed record Failure(string? Verb, string? Resource, int StatusCode, TimeSpan? RetryAfter)
    {
        public int Remaining;
    }

    private sealed record DelayRule(string? Verb, string? Resource, TimeSpan Delay);

    private readonly object _gate = new();
    private readonly List<Failure> _failures = [];
    private readonly List<DelayRule> _delays = [];
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ObjectStore _store;

    internal FaultInjector(ObjectStore store) => _store = store;

    /// <summary>The next <paramref name="count"/> matching requests fail with this HTTP code and a Status body (and Retry-After when given).</summary>
    public void FailNext(int count, int statusCode, string? verb = null, string? resource = null, TimeSpan? retryAfter = null)
    {
        lock (_gate) _failures.Add(new Failure(verb, resource, statusCode, retryAfter) { Remaining = count });
    }

    /// <summary>Delays every matching request until <see cref="ClearDelays"/> (measured on the emulator's TimeProvider).</summary>
    public void Delay(TimeSpan delay, string? verb = null, string? resource = null)
    {
        lock (_gate) _delays.Add(new DelayRule(verb, resource, delay));
    }

    public void ClearDelays()
    {
        lock (_gate) _delays.Clear();
    }

    public void ClearFailures()
    {
        lock (_gate) _failures.Clear();
    }

    /// <summary>Ends every open watch stream (cleanly, as an apiserver restart would look to a client).</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>Forgets watch history: a watch from any older resourceVersion gets ERROR 410 Expired.</summary>
    public void CompactHistory() => _store.Compact();

    public int OpenWatches => _store.OpenWatchCount;

    /// <summary>Requests seen for a verb, optionally only for one resource ("deployments" or "deployments/status").</summary>
    public long Count(string verb, string? resource = null) =>
        _counts.Where(p => Matches(verb, resource, p.Key)).Sum(p => p.Value);

    /// <summary>create + update + patch + delete + deletecollection, optionally for one resource.</summary>
    public long Writes(string? resource = null) =>
        new[] { "create", "update", "patch", "delete", "deletecollection" }.Sum(v => Count(v, resource));

    /// <summary>Snapshot keyed "verb resource[/subresource]".</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts);

    public void ResetCounts() => _counts.Clear();

    private static bool Matches(string verb, string? resource, string key)
    {
        var space = key.IndexOf(' ');
        var keyVerb = key[..space];
        var keyResource = key[(space + 1)..];
        return keyVerb == verb && (resource is null || keyResource == resource);
    }

    private readonly ConcurrentQueue<string> _log = new();

    /// <summary>The last 1,000 requests as "METHOD /path?query", oldest first (e.g. to see that kubectl sent fieldValidation=Strict).</summary>
    public IReadOnlyList<string> RequestLog => [.. _log];

    internal void Record(string verb, string resource, string requestLine)
    {
        _counts.AddOrUpdate($"{verb} {resource}", 1, static (_, v) => v + 1);
        _log.Enqueue(requestLine);
        while (_log.Count > 1000) _log.TryDequeue(out _);
    }

    internal (int StatusCode, TimeSpan? RetryAfter)? TakeFailure(string verb, string resource)
    {
        lock (_gate)
        {
            foreach (var f in _failures)
            {
                if (f.Remaining <= 0 || !Rule(f.Verb, f.Resource, verb, resource)) continue;
                f.Remaining--;
                return (f.StatusCode, f.RetryAfter);
            }
            _failures.RemoveAll(f => f.Remaining <= 0);
            return null;
        }
    }

    internal TimeSpan DelayFor(string verb, string resource)
    {
        lock (_gate)
            return _delays.Where(d => Rule(d.Verb, d.Resource, verb, resource)).Select(d => d.Delay).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    private static bool Rule(string? ruleVerb, string? ruleResource, string verb, string resource) =>
        (ruleVerb is null || ruleVerb == verb) && (ruleResource is null || ruleResource == resource);
}
