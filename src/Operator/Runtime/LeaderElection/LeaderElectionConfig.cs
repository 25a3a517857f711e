using System.Net;

namespace MlOperator.Operator.Runtime.LeaderElection;

/// <summary>
/// client-go defaults: a 15 s lease, renewed every 2 s; a leader that cannot renew for 10 s steps down, which
/// is before its lease expires, so two leaders never overlap (given bounded clock skew).
/// </summary>
public sealed record LeaderElectionConfig(string LeaseNamespace, string LeaseName, string Identity)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>On graceful stop, clear the holder so a successor need not wait for expiry.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>hostname + "_" + random suffix: unique even for two processes on one host.</summary>
    public static string NewIdentity() => $"{Dns.GetHostName()}_{Guid.NewGuid().ToString("n")[..8]}";

    public void Validate()
    {
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException("LeaseDuration must be greater than RenewDeadline");
        }

        if (RenewDeadline <= RetryPeriod)
        {
            throw new ArgumentException("RenewDeadline must be greater than RetryPeriod");
        }

        if (RetryPeriod <= TimeSpan.Zero || string.IsNullOrEmpty(Identity) || string.IsNullOrEmpty(LeaseName) || string.IsNullOrEmpty(LeaseNamespace))
        {
            throw new ArgumentException("RetryPeriod, Identity, LeaseName and LeaseNamespace are required");
        }
    }
}
