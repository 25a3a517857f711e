using Microsoft.Extensions.Hosting;

namespace MlOperator.Kubernetes.Emulator.Server;

/// <summary>
/// The emulator lives inside test processes and the CLI: it must not take over the process's Ctrl-C/SIGTERM
/// handling the way the default console lifetime does (that kept the CLI alive after SIGTERM).
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
