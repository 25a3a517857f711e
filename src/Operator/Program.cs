using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Crds;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Hosting;

namespace MlOperator.Operator;

/// <summary>Composition root: the command line, and what the operator process is made of.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        OperatorCli.InvokeAsync(
            OperatorCli.Create((options, ct) => OperatorHost.RunAsync(options, ConfigureOperator, Console.Out, ct), GenerateCrdsAsync),
            args,
            // The host handles SIGTERM/SIGINT itself and needs longer than System.CommandLine's grace period to
            // release the leader lease.
            new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary>
    /// Registers the operator's parts: API client, startup check, controller manager (caches, leader election,
    /// controllers), readiness on synced caches. Runs inside
    /// <see cref="OperatorHost.RunAsync"/>, so a <see cref="KubeConfigException"/> here ends in one clear line.
    /// </summary>
    internal static void ConfigureOperator(IServiceCollection services, OperatorOptions options)
    {
        var config = KubeConnectionLoader.Load(new KubeConnectionOptions { Path = options.KubeconfigPath, Context = options.Context });
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IKubeClient>(provider => KubeClient.Create(config, new KubeClientOptions
        {
            Meter = provider.GetRequiredService<IMeterFactory>().Create(OperatorHost.MeterName),
            Qps = options.KubeApiQps,
            Burst = options.KubeApiBurst,
        }));
        services.AddSingleton<IStartupCheck, ApiServerCheck>();
        // The reconciler's rollout gauges and counters, on the operator's meter.
        services.AddSingleton<RolloutMetrics>();
        // Canary analysis reads pods from the manager's Pod informer (the one the controller watches); one instance, so
        // its bound on scrapes in flight holds for the whole process. The container disposes its HTTP pool.
        services.AddSingleton(provider => new PodMetricsProvider(
            provider.GetRequiredService<ControllerManager>().GetInformer<V1Pod>(PodEvents.Selector),
            options.PodMetrics,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PodMetricsProvider>>()));
        services.AddSingleton<IRevisionMetrics>(provider => provider.GetRequiredService<PodMetricsProvider>());

        // Controllers must be registered before the manager starts, so this hosted service comes first.
        services.AddHostedService<OperatorControllers>();
        services.AddControllerManager(new ManagerOptions
        {
            Namespace = options.WatchNamespaces.Count == 0 ? null : string.Join(',', options.WatchNamespaces),
            LeaderElection = options.LeaderElect,
            LeaseName = options.LeaseName,
            LeaseNamespace = options.LeaseNamespace ?? config.Namespace,
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
            Workers = options.Workers,
        });
        services.AddSingleton(provider =>
        {
            var health = provider.GetRequiredService<IManagerHealth>();
            return new ReadinessCheck("caches", () => health.CachesSynced);
        });
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Refused below in the AOT binary; runs from the JIT build (make generate).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Refused below in the AOT binary; runs from the JIT build (make generate).")]
    [UnconditionalSuppressMessage("SingleFile", "IL3002", Justification = "Refused below in the AOT binary; runs from the JIT build (make generate).")]
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is the test: the native binary has no assembly file.")]
    private static Task<int> GenerateCrdsAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        // The native binary has no assembly file (hence no XML docs beside it) and no reflection metadata for most
        // types. (RuntimeFeature.IsDynamicCodeSupported cannot tell: PublishAot sets it false in the JIT build too.)
        if (string.IsNullOrEmpty(typeof(Program).Assembly.Location))
        {
            // The CRD comes from the C# types' reflection metadata and XML docs, which the native binary does not carry.
            Console.Error.WriteLine("generate crds runs from the source build (make generate), not from the native operator binary");
            return Task.FromResult(ExitCodes.ConfigurationError);
        }

        CrdGenerator.WriteAll(outputDirectory);
        return Task.FromResult(ExitCodes.Success);
    }
}
