using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Runtime.LeaderElection;

/// <summary>
/// client-go leader election on a Lease. Campaigns every RetryPeriod; takes the lease when it is free,
/// expired (renewTime + leaseDuration &lt; now) or already ours; renews every RetryPeriod and steps down when
/// it has not renewed for RenewDeadline or sees another holder. After losing it campaigns again. On graceful
/// stop it releases the lease (holder cleared, duration 1 s) as with ReleaseOnCancel.
/// </summary>
/// <remarks>
/// Ours rather than KubernetesClient's <c>k8s.LeaderElection.LeaderElector</c> (checked in 21.0.8), which has the
/// same 15/10/2 s defaults but does not give the same guarantees: it never releases the lease on stop (a successor
/// waits out the full lease duration), it times everything with <c>Task.Delay</c> and <c>DateTime.UtcNow</c> instead
/// of an injected <see cref="TimeProvider"/> (so step-down and takeover cannot be tested without sleeping), and its
/// <c>LeaseLock</c> talks to <c>IKubernetes</c> directly, bypassing our client's retries, throttling and metrics.
/// </remarks>
public sealed class LeaderElector
{
    private readonly LeaseLock _lock;
    private readonly LeaderElectionConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _isLeader;
    private volatile string? _observedLeader;

    public LeaderElector(IKubeClient client, LeaderElectionConfig config, TimeProvider time, ILogger logger)
    {
        config.Validate();
        _lock = new LeaseLock(client, config.LeaseNamespace, config.LeaseName);
        _config = config;
        _time = time;
        _logger = logger;
    }

    public string Identity => _config.Identity;

    public bool IsLeader => _isLeader;

    /// <summary>The holder last seen on the lease (us or someone else).</summary>
    public string? ObservedLeader => _observedLeader;

    /// <summary>Runs while leading; its token is cancelled when leadership ends.</summary>
    public Func<CancellationToken, Task> OnStartedLeading { get; init; } = _ => Task.CompletedTask;

    /// <summary>Called after the leading work has been cancelled and has finished.</summary>
    public Action OnStoppedLeading { get; init; } = () => { };

    /// <summary>Campaigns and leads until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await AcquireAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            await LeadAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                if (await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
                {
                    return true;
                }

                await Task.Delay(_config.RetryPeriod, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _isLeader = true;
        _logger.LogInformation("{Identity} became leader on lease {Namespace}/{Name}", Identity, _config.LeaseNamespace, _config.LeaseName);
        var work = Task.Run(() => OnStartedLeading(leading.Token), CancellationToken.None);
        var lastRenew = _time.GetUtcNow();
        var stopping = false;
        try
        {
            while (true)
            {
                await Task.Delay(_config.RetryPeriod, _time, ct).ConfigureAwait(false);
                if (await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
                {
                    lastRenew = _time.GetUtcNow();
                    continue;
                }

                if (_observedLeader is { } other && other != Identity)
                {
                    _logger.LogWarning("{Identity} lost the lease to {Leader}", Identity, other);
                    break;
                }

                if (_time.GetUtcNow() - lastRenew >= _config.RenewDeadline)
                {
                    _logger.LogWarning("{Identity} could not renew the lease within {Deadline}; stepping down", Identity, _config.RenewDeadline);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stopping = true;
        }

        _isLeader = false;
        await leading.CancelAsync().ConfigureAwait(false);
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Leader work of {Identity} failed", Identity);
        }

        try
        {
            OnStoppedLeading();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "OnStoppedLeading of {Identity} failed", Identity);
        }

        if (stopping && _config.ReleaseOnCancel)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One attempt; false (never an exception) when the lease is held by another, on conflict, or on API errors.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var duration = (int)Math.Ceiling(_config.LeaseDuration.TotalSeconds);
        try
        {
            var lease = await _lock.GetAsync(ct).ConfigureAwait(false);
            if (lease is null)
            {
                await _lock.CreateAsync(new V1LeaseSpec
                {
                    HolderIdentity = Identity,
                    LeaseDurationSeconds = duration,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = 0,
                }, ct).ConfigureAwait(false);
                _observedLeader = Identity;
                return true;
            }

            var spec = lease.Spec;
            var holder = spec.HolderIdentity;
            _observedLeader = string.IsNullOrEmpty(holder) ? null : holder;
            if (!string.IsNullOrEmpty(holder) && holder != Identity)
            {
                var renewed = spec.RenewTime ?? spec.AcquireTime ?? DateTime.MinValue;
                var held = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? duration);
                if (renewed + held > now)
                {
                    return false;
                }
            }

            if (holder != Identity)
            {
                spec.AcquireTime = now;
                spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
            }

            spec.HolderIdentity = Identity;
            spec.LeaseDurationSeconds = duration;
            spec.RenewTime = now;
            await _lock.UpdateAsync(lease, ct).ConfigureAwait(false);
            _observedLeader = Identity;
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is ConflictException or AlreadyExistsException)
        {
            // Someone else wrote first; look again next period.
            _logger.LogDebug("{Identity} lost a lease race: {Message}", Identity, ex.Message);
            return false;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "{Identity} failed to acquire or renew the lease", Identity);
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        // The caller's token is already cancelled; give the release its own short budget.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var lease = await _lock.GetAsync(budget.Token).ConfigureAwait(false);
            if (lease is null || lease.Spec.HolderIdentity != Identity)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            await _lock.UpdateAsync(lease, budget.Token).ConfigureAwait(false);
            _observedLeader = null;
            _logger.LogInformation("{Identity} released lease {Namespace}/{Name}", Identity, _config.LeaseNamespace, _config.LeaseName);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "{Identity} could not release the lease; it expires on its own", Identity);
        }
    }
}
