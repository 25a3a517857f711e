namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>Test-driven pod readiness for one Deployment.</summary>
internal sealed record PodStates(int Ready, int Unready, int Failing);
