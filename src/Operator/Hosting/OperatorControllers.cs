using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Hosting;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// Registers the controllers with the manager, and the manager's state gauges. A hosted service registered before
/// the manager, because controllers must be added before the manager starts.
/// </summary>
internal sealed class OperatorControllers(
    ControllerManager manager, IKubeClient client, OperatorOptions options, IMeterFactory meters, ILoggerFactory loggerFactory, TimeProvider time,
    IRevisionMetrics revisionMetrics, RolloutMetrics rolloutMetrics)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        OperatorStatusMetrics.Register(meters.Create(OperatorHost.MeterName), manager, manager.Options.LeaseName);
        ModelDeploymentController.Register(manager, client, options.ModelDefaults, loggerFactory, time, options.Workers, revisionMetrics, rolloutMetrics);
        loggerFactory.CreateLogger<OperatorControllers>().LogInformation(
            "Registered controllers {Controllers}; leader election {LeaderElection}",
            string.Join(", ", manager.Controllers.Select(c => c.Name)),
            manager.Options.LeaderElection ? $"on lease {manager.Options.LeaseNamespace}/{manager.Options.LeaseName}" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
