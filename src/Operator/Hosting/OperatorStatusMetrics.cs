using System.Diagnostics.Metrics;
using MlOperator.Operator.Runtime.Hosting;

namespace MlOperator.Operator.Hosting;

/// <summary>The manager's state as gauges, so a scrape shows which replica leads and whether its caches are warm.</summary>
public static class OperatorStatusMetrics
{
    public static void Register(Meter meter, IManagerHealth health, string leaseName)
    {
        // client-go's name for the same signal, so existing dashboards and alerts match.
        meter.CreateObservableGauge("leader_election_master_status",
            () => new Measurement<int>(health.IsLeader ? 1 : 0, new KeyValuePair<string, object?>("name", leaseName)),
            null, "1 while this replica holds the leader lease, else 0.");
        meter.CreateObservableGauge("informer_caches_synced", () => health.CachesSynced ? 1 : 0,
            null, "1 once every informer cache has completed its first list, else 0.");
        meter.CreateObservableGauge("controller_manager_running", () => health.IsRunning ? 1 : 0,
            null, "1 while the controller manager's loop runs, else 0.");
    }
}
