using MlOperator.Kubernetes.Emulator.Api;

namespace MlOperator.Kubernetes.Emulator;

public sealed class SimulatedControllers : IAsyncDisposable
{
    private readonly ApiCore _core;
    private readonly EmulatorOptions _options;

    internal SimulatedControllers(ApiCore core, EmulatorOptions options)
    {
        _core = core;
        _options = options;
    }

    internal void Start()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
