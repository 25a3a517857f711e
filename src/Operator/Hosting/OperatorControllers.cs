using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Runtime.Hosting;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// Registers informers and controllers with the manager, and the manager's state gauges. A hosted service
/// registered before the manager, because controllers must be added before the manager starts.
/// </summary>
internal sealed class OperatorControllers(ControllerManager manager, IMeterFactory meters, ILogger<OperatorControllers> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        OperatorStatusMetrics.Register(meters.Create(OperatorHost.MeterName), manager, manager.Options.LeaseName);

        // ── Controller registration ── TODO(lead): once the ModelDeployment reconciler lands, replace the informer
        //    below with manager.NewController("modeldeployment").For<ModelDeployment>()…Complete(reconciler).
        manager.GetInformer<ModelDeployment>();
        logger.LogWarning("No reconciler is registered yet: the operator runs leader election and caches ModelDeployments but changes nothing");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
