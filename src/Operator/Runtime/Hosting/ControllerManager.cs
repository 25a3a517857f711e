using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Events;
using MlOperator.Operator.Runtime.LeaderElection;

namespace MlOperator.Operator.Runtime.Hosting;

/// <summary>
/// controller-runtime's manager: starts the shared caches first (every replica, so a standby is warm and
/// ready), then runs the controllers only while this replica leads, stopping them when leadership is lost
/// and releasing the lease on shutdown. Register controllers with <see cref="NewController"/> before the host starts.
/// </summary>
public sealed class ControllerManager : BackgroundService, IManagerHealth
{
    private readonly IKubeClient _client;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly List<ResourceController> _controllers = [];
    private readonly EventRecorder _events;
    private volatile LeaderElector? _elector;
    private volatile bool _running;
    private volatile bool _controllersRunning;

    public ControllerManager(IKubeClient client, ManagerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _client = client;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ControllerManager>();
        Options = options;
        Identity = options.Identity ?? LeaderElectionConfig.NewIdentity();
        Informers = new SharedInformerFactory(client, time, loggerFactory, options.ResyncPeriod);
        _events = new EventRecorder(client, new EventRecorderOptions { Component = options.Component }, time, loggerFactory.CreateLogger<EventRecorder>());
    }

    public ManagerOptions Options { get; }

    public string Identity { get; }

    public SharedInformerFactory Informers { get; }

    public IEventRecorder Events => _events;

    public IReadOnlyList<ResourceController> Controllers
    {
        get
        {
            lock (_controllers)
            {
                return [.. _controllers];
            }
        }
    }

    public bool CachesSynced => _running && Informers.HasSynced;

    public bool IsLeader => Options.LeaderElection ? _elector?.IsLeader == true : _controllersRunning;

    public bool IsRunning => _running;

    /// <summary>A cache-backed informer in the manager's namespace scope (shared with controllers that watch the same kind).</summary>
    public Informer<T> GetInformer<T>(string? labelSelector = null) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Informers.GetInformer<T>(Options.Namespace, labelSelector);

    /// <summary>Starts a controller definition; <c>Complete(reconciler)</c> registers it with this manager.</summary>
    public ControllerBuilder NewController(string name) =>
        new ControllerBuilder(name, Informers, _time, _loggerFactory, Options.Namespace, AddController)
            .WithWorkers(Math.Max(1, Options.Workers));

    public void AddController(ResourceController controller)
    {
        lock (_controllers)
        {
            if (_running)
            {
                throw new InvalidOperationException("controllers must be added before the manager starts");
            }

            if (_controllers.Any(c => c.Name == controller.Name))
            {
                throw new InvalidOperationException($"a controller named {controller.Name} is already registered");
            }

            _controllers.Add(controller);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_controllers)
        {
            _running = true;
        }

        try
        {
            Informers.Start(stoppingToken);
            var events = _events.RunAsync(stoppingToken);
            _ = LogWhenSyncedAsync(stoppingToken);

            if (Options.LeaderElection)
            {
                _elector = new LeaderElector(
                    _client,
                    new LeaderElectionConfig(Options.LeaseNamespace, Options.LeaseName, Identity)
                    {
                        LeaseDuration = Options.LeaseDuration,
                        RenewDeadline = Options.RenewDeadline,
                        RetryPeriod = Options.RetryPeriod,
                    },
                    _time,
                    _loggerFactory.CreateLogger<LeaderElector>())
                {
                    OnStartedLeading = LeadAsync,
                };
                await _elector.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await RunControllersAsync(stoppingToken).ConfigureAwait(false);
            }

            await events.ConfigureAwait(false);
            await Informers.WhenStoppedAsync().ConfigureAwait(false);
        }
        finally
        {
            _running = false;
        }
    }

    private Task LeadAsync(CancellationToken ct)
    {
        // As client-go does: an Event on the Lease tells `kubectl get events` who leads since when.
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = Options.LeaseName, NamespaceProperty = Options.LeaseNamespace } };
        _events.Normal(lease, "LeaderElection", $"{Identity} became leader");
        return RunControllersAsync(ct);
    }

    private async Task RunControllersAsync(CancellationToken ct)
    {
        _controllersRunning = true;
        try
        {
            _logger.LogInformation("{Identity} starting {Count} controllers", Identity, Controllers.Count);
            await Task.WhenAll(Controllers.Select(c => c.RunAsync(ct))).ConfigureAwait(false);
        }
        finally
        {
            _controllersRunning = false;
        }
    }

    private async Task LogWhenSyncedAsync(CancellationToken ct)
    {
        try
        {
            await Informers.WaitForCacheSyncAsync(ct).ConfigureAwait(false);
            _logger.LogInformation("Caches synced for {Count} informers", Informers.Informers.Count);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
