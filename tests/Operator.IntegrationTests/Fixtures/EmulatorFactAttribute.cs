namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// A test that needs the in-process emulator's controls (pod readiness, fault counts): reported as skipped, with the
/// reason, when the run uses a real cluster (E2E_KUBECONFIG or K3s), never passed without running.
/// </summary>
public sealed class EmulatorFactAttribute : FactAttribute
{
    public EmulatorFactAttribute()
    {
        if (ClusterSelection.Current.Kind != ClusterKind.Emulator)
        {
            Skip = "needs the in-process emulator's pod and fault controls; " + ClusterSelection.Current.Reason;
        }
    }
}
