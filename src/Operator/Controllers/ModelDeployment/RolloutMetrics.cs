using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Hosting;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// Rollout progress per ModelDeployment on the operator's meter: the phase (kube-state-metrics style, 1 for the
/// current phase and 0 for the others), the canary weight, analysis runs by result and rollbacks by reason. The
/// reconciler reports; gauges are read at scrape time from the last report, so a deleted ModelDeployment's gauge
/// series disappear on the next scrape after <see cref="Forget"/>.
/// </summary>
public sealed class RolloutMetrics
{
    public const string PhaseMetric = "mloperator_rollout_phase";
    public const string WeightMetric = "mloperator_canary_weight";
    public const string AnalysisRunsMetric = "mloperator_analysis_runs_total";
    public const string RollbacksMetric = "mloperator_rollbacks_total";

    private readonly ConcurrentDictionary<(string Namespace, string Name), (string Phase, int Weight)> _rollouts = new();
    private readonly Counter<long> _analysisRuns;
    private readonly Counter<long> _rollbacks;

    /// <summary>On the operator's meter (what /metrics exports), from the host's meter factory.</summary>
    public RolloutMetrics(IMeterFactory meters)
        : this(meters.Create(OperatorHost.MeterName))
    {
    }

    public RolloutMetrics(Meter meter)
    {
        meter.CreateObservableGauge(PhaseMetric, ObservePhases, null,
            "1 for the ModelDeployment's current status.phase, 0 for the other phases.");
        meter.CreateObservableGauge(WeightMetric, ObserveWeights, null,
            "Percent of traffic on the canary revision (0 without a canary).");
        _analysisRuns = meter.CreateCounter<long>(AnalysisRunsMetric, null,
            "Canary analysis runs by result (passed, failed, inconclusive).");
        _rollbacks = meter.CreateCounter<long>(RollbacksMetric, null,
            "Canary rollbacks by reason.");
    }

    /// <summary>The ModelDeployment's phase and canary weight after a pass (status.phase and status.canary.weight).</summary>
    public void Observe(string @namespace, string name, string phase, int weight) =>
        _rollouts[(@namespace, name)] = (phase, Math.Clamp(weight, 0, 100));

    /// <summary>The ModelDeployment is gone: its gauge series go with it.</summary>
    public void Forget(string @namespace, string name) => _rollouts.TryRemove((@namespace, name), out _);

    public void AnalysisRun(string @namespace, string name, AnalysisOutcome result) =>
        _analysisRuns.Add(1, Tag("namespace", @namespace), Tag("name", name), Tag("result", result switch
        {
            AnalysisOutcome.Passed => "passed",
            AnalysisOutcome.Failed => "failed",
            AnalysisOutcome.Inconclusive => "inconclusive",
            _ => result.ToString().ToLowerInvariant(),
        }));

    /// <summary>A rollback started; <paramref name="reason"/> is the condition reason (AnalysisFailed, ProgressDeadlineExceeded, …).</summary>
    public void Rollback(string @namespace, string name, string reason) =>
        _rollbacks.Add(1, Tag("namespace", @namespace), Tag("name", name), Tag("reason", reason));

    private IEnumerable<Measurement<int>> ObservePhases()
    {
        foreach (var ((ns, name), (phase, _)) in _rollouts)
        {
            // An unknown phase still shows as 1, so a new phase is never invisible.
            foreach (var each in ModelDeploymentPhase.All.Contains(phase) ? ModelDeploymentPhase.All : [.. ModelDeploymentPhase.All, phase])
            {
                yield return new Measurement<int>(each == phase ? 1 : 0, Tag("namespace", ns), Tag("name", name), Tag("phase", each));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveWeights() =>
        _rollouts.Select(r => new Measurement<int>(r.Value.Weight, Tag("namespace", r.Key.Namespace), Tag("name", r.Key.Name)));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
