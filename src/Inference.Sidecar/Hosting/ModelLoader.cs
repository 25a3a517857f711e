using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Hosting;

/// <summary>
/// Loads the model in the background so liveness answers while a large model loads; a load failure stops the
/// host with exit code 1 (Kubernetes restarts the pod and shows the reason in its log).
/// </summary>
public sealed class ModelLoader(ModelHost model, IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            model.Load();
        }
        catch (ModelLoadException e)
        {
            logger.LogCritical("{Reason}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }, stoppingToken);
}
