using System.Diagnostics.Metrics;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>controller-runtime's reconcile metrics.</summary>
internal static class ControllerMetrics
{
    private static readonly Counter<long> Total =
        RuntimeMeter.Meter.CreateCounter<long>("controller_reconcile_total", description: "Reconciles per controller and result.");

    private static readonly Counter<long> Errors =
        RuntimeMeter.Meter.CreateCounter<long>("controller_reconcile_errors_total", description: "Reconciles that failed.");

    private static readonly Histogram<double> Duration =
        RuntimeMeter.Meter.CreateHistogram<double>("controller_reconcile_duration_seconds", "s", "Time per reconcile.");

    public static void Record(string controller, string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("controller", controller);
        Total.Add(1, tag, new KeyValuePair<string, object?>("result", result));
        Duration.Record(duration.TotalSeconds, tag);
        if (result == "error")
        {
            Errors.Add(1, tag);
        }
    }
}
