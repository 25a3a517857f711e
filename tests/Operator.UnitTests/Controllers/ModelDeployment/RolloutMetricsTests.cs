using System.Diagnostics.Metrics;
using System.Text;
using MlOperator.Metrics;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;

namespace MlOperator.Operator.UnitTests.Controllers.ModelDeployment;

public sealed class RolloutMetricsTests : IDisposable
{
    private readonly Meter _meter = new("MlOperator.Operator");
    private readonly Prometheus.CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly PrometheusMeterBridge _bridge;
    private readonly RolloutMetrics _metrics;

    public RolloutMetricsTests()
    {
        // Only this test's meter: other tests in the process create meters of the same name.
        _bridge = new PrometheusMeterBridge(_registry, meter => ReferenceEquals(meter, _meter));
        _metrics = new RolloutMetrics(_meter);
    }

    public void Dispose()
    {
        _bridge.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Phase_gauge_is_1_for_the_current_phase_and_0_for_the_others()
    {
        _metrics.Observe("risk", "fraud", ModelDeploymentPhase.Progressing, 10);

        var text = Scrape();

        Assert.Contains("# TYPE mloperator_rollout_phase gauge\n", text);
        Assert.Contains("mloperator_rollout_phase{name=\"fraud\",namespace=\"risk\",phase=\"Progressing\"} 1\n", text);
        foreach (var phase in ModelDeploymentPhase.All.Where(p => p != ModelDeploymentPhase.Progressing))
        {
            Assert.Contains($"mloperator_rollout_phase{{name=\"fraud\",namespace=\"risk\",phase=\"{phase}\"}} 0\n", text);
        }

        Assert.Equal(ModelDeploymentPhase.All.Count, Lines(text, "mloperator_rollout_phase{").Count);
        Assert.Contains("# TYPE mloperator_canary_weight gauge\n", text);
        Assert.Contains("mloperator_canary_weight{name=\"fraud\",namespace=\"risk\"} 10\n", text);
    }

    [Fact]
    public void A_new_observation_replaces_the_last_one()
    {
        _metrics.Observe("risk", "fraud", ModelDeploymentPhase.Progressing, 50);
        Scrape();
        _metrics.Observe("risk", "fraud", ModelDeploymentPhase.Ready, 0);

        var text = Scrape();

        Assert.Contains("mloperator_rollout_phase{name=\"fraud\",namespace=\"risk\",phase=\"Ready\"} 1\n", text);
        Assert.Contains("mloperator_rollout_phase{name=\"fraud\",namespace=\"risk\",phase=\"Progressing\"} 0\n", text);
        Assert.Contains("mloperator_canary_weight{name=\"fraud\",namespace=\"risk\"} 0\n", text);
    }

    [Fact]
    public void Forget_removes_the_gauge_series_of_that_resource_only()
    {
        _metrics.Observe("risk", "fraud", ModelDeploymentPhase.Ready, 0);
        _metrics.Observe("risk", "churn", ModelDeploymentPhase.Degraded, 0);
        Assert.Contains("name=\"fraud\"", Scrape());

        _metrics.Forget("risk", "fraud");
        var text = Scrape();

        Assert.DoesNotContain("name=\"fraud\"", text);
        Assert.Contains("mloperator_rollout_phase{name=\"churn\",namespace=\"risk\",phase=\"Degraded\"} 1\n", text);
        Assert.Contains("mloperator_canary_weight{name=\"churn\",namespace=\"risk\"} 0\n", text);
    }

    [Fact]
    public void Counts_analysis_runs_by_result_and_rollbacks_by_reason()
    {
        _metrics.AnalysisRun("risk", "fraud", AnalysisOutcome.Passed);
        _metrics.AnalysisRun("risk", "fraud", AnalysisOutcome.Passed);
        _metrics.AnalysisRun("risk", "fraud", AnalysisOutcome.Failed);
        _metrics.AnalysisRun("risk", "fraud", AnalysisOutcome.Inconclusive);
        _metrics.Rollback("risk", "fraud", ModelDeploymentConditions.ReasonProgressDeadlineExceeded);

        var text = Scrape();

        Assert.Contains("# TYPE mloperator_analysis_runs_total counter\n", text);
        Assert.Contains("mloperator_analysis_runs_total{name=\"fraud\",namespace=\"risk\",result=\"passed\"} 2\n", text);
        Assert.Contains("mloperator_analysis_runs_total{name=\"fraud\",namespace=\"risk\",result=\"failed\"} 1\n", text);
        Assert.Contains("mloperator_analysis_runs_total{name=\"fraud\",namespace=\"risk\",result=\"inconclusive\"} 1\n", text);
        Assert.Contains("# TYPE mloperator_rollbacks_total counter\n", text);
        Assert.Contains("mloperator_rollbacks_total{name=\"fraud\",namespace=\"risk\",reason=\"ProgressDeadlineExceeded\"} 1\n", text);
        Assert.DoesNotContain("_total_total", text);
    }

    [Fact]
    public void Every_family_has_help_and_type_lines()
    {
        _metrics.Observe("risk", "fraud", ModelDeploymentPhase.Pending, 0);
        _metrics.AnalysisRun("risk", "fraud", AnalysisOutcome.Passed);
        _metrics.Rollback("risk", "fraud", "AnalysisFailed");

        var text = Scrape();

        foreach (var family in new[] { RolloutMetrics.PhaseMetric, RolloutMetrics.WeightMetric, RolloutMetrics.AnalysisRunsMetric, RolloutMetrics.RollbacksMetric })
        {
            Assert.Single(Lines(text, $"# HELP {family} "));
            Assert.Single(Lines(text, $"# TYPE {family} "));
        }
    }

    private string Scrape()
    {
        using var stream = new MemoryStream();
        _registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<string> Lines(string text, string prefix) =>
        [.. text.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal))];
}
