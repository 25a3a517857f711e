namespace MlOperator.Operator.Runtime.Hosting;

/// <summary>What /healthz and /readyz need: ready once caches have synced; leader or not, every replica is ready.</summary>
public interface IManagerHealth
{
    /// <summary>All informers have completed their first list.</summary>
    bool CachesSynced { get; }

    /// <summary>This replica holds the lease (always true with leader election off, once controllers run).</summary>
    bool IsLeader { get; }

    /// <summary>The manager's background loop is running (false after it stopped or crashed).</summary>
    bool IsRunning { get; }
}
