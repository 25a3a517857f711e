using Microsoft.Extensions.Logging;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// Before anything starts, one list of ModelDeployments in the watch scope: it proves the server is reachable,
/// accepts our credentials (401), lets us read what we reconcile (403) and has the CRD installed (404) — the
/// setups that otherwise turn into an informer retrying forever.
/// </summary>
internal sealed class ApiServerCheck(IKubeClient client, KubeConnection config, OperatorOptions options, ILogger<ApiServerCheck> logger)
    : IStartupCheck
{
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.ListAsync<ModelDeployment>(options.WatchNamespace, new ListOptions { Limit = 1 }, cancellationToken);
        }
        catch (NotFoundException)
        {
            var resource = KubeResource.For<ModelDeployment>();
            throw new StartupCheckException(
                $"The Kubernetes API server at {config.Server} does not serve {resource.GroupResource}/{resource.Version}: "
                + "install the CRD with `kubectl apply -f config/crds` (or the Helm chart)");
        }

        logger.LogInformation("Connected to the Kubernetes API server at {Server} ({ConfigSource}); watching {Scope}",
            config.Server, config.Source, options.WatchNamespace is null ? "all namespaces" : $"namespace {options.WatchNamespace}");
    }
}
