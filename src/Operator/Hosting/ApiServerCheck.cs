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
            foreach (var scope in options.WatchNamespaces.Count == 0 ? [null] : options.WatchNamespaces.Cast<string?>())
            {
                await client.ListAsync<ModelDeployment>(scope, new ListOptions { Limit = 1 }, cancellationToken);
            }
        }
        catch (NotFoundException)
        {
            var resource = KubeResource.For<ModelDeployment>();
            throw new StartupCheckException(
                $"The Kubernetes API server at {config.Server} does not serve {resource.GroupResource}/{resource.Version}: "
                + "install the chart (helm install ml-operator charts/ml-operator) or the CRD alone (kubectl apply --server-side -f config/crds)");
        }

        logger.LogInformation("Connected to the Kubernetes API server at {Server} ({ConfigSource}); watching {Scope}",
            config.Server, config.Source, options.WatchNamespaces.Count == 0 ? "all namespaces" : $"namespaces {string.Join(", ", options.WatchNamespaces)}");
    }
}
