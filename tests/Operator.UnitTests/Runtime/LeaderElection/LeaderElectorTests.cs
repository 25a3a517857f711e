using k8s.Models;
using MlOperator.Operator.Runtime.LeaderElection;
using MlOperator.Operator.UnitTests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.UnitTests.Runtime.LeaderElection;

public sealed class LeaderElectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeKubeClient _client;
    private readonly List<Candidate> _candidates = [];

    public LeaderElectorTests() => _client = new FakeKubeClient(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var candidate in _candidates)
        {
            await candidate.StopAsync();
        }
    }

    [Fact]
    public async Task Two_electors_on_one_lease_yield_exactly_one_leader()
    {
        var a = Start("a");
        var b = Start("b");

        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader || b.Elector.IsLeader, "a leader");
        for (var i = 0; i < 40; i++)
        {
            _time.Advance(Step);
            await Task.Delay(2);
            Assert.False(a.Elector.IsLeader && b.Elector.IsLeader, "two leaders at once");
        }

        var leader = a.Elector.IsLeader ? a : b;
        Assert.True(leader.Elector.IsLeader);
        Assert.Equal(leader.Elector.Identity, Lease().Spec.HolderIdentity);
        Assert.Equal(1, leader.Started);
        Assert.Equal(0, (a.Elector.IsLeader ? b : a).Started);
    }

    [Fact]
    public async Task When_the_leader_stops_without_release_the_other_takes_over_only_after_expiry()
    {
        var a = Start("a", release: false);
        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader, "a leads");
        var b = Start("b");
        _time.Advance(TimeSpan.FromSeconds(5));

        await a.StopAsync();
        var lastRenew = Lease().Spec.RenewTime!.Value;
        Assert.Equal("a", Lease().Spec.HolderIdentity);

        await Eventually.AdvanceUntilAsync(_time, Step, () => b.Elector.IsLeader, "b takes over");

        Assert.True(_time.GetUtcNow() >= lastRenew + TimeSpan.FromSeconds(15), "took a lease that had not expired");
        Assert.True(_time.GetUtcNow() <= lastRenew + TimeSpan.FromSeconds(15) + TimeSpan.FromSeconds(3), "waited far beyond expiry");
        Assert.Equal("b", Lease().Spec.HolderIdentity);
        Assert.Equal(1, Lease().Spec.LeaseTransitions);
        Assert.Equal(1, a.Stopped);
    }

    [Fact]
    public async Task A_graceful_stop_releases_the_lease_so_the_other_leads_at_its_next_retry()
    {
        var a = Start("a");
        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader, "a leads");
        var b = Start("b");
        _time.Advance(TimeSpan.FromSeconds(1));

        await a.StopAsync();
        var released = Lease();
        Assert.Null(released.Spec.HolderIdentity);
        Assert.Equal(1, released.Spec.LeaseDurationSeconds);
        var stoppedAt = _time.GetUtcNow();

        await Eventually.AdvanceUntilAsync(_time, Step, () => b.Elector.IsLeader, "b takes over");
        Assert.True(_time.GetUtcNow() - stoppedAt <= TimeSpan.FromSeconds(3));
        Assert.True(a.LeadingTokenCancelled);
    }

    [Fact]
    public async Task A_leader_that_cannot_renew_steps_down_before_its_lease_expires()
    {
        var a = Start("a");
        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader, "a leads");
        var lastRenew = Lease().Spec.RenewTime!.Value;
        _client.FailNext("update", FakeKubeClient.ServerError(), times: 1000);

        await Eventually.AdvanceUntilAsync(_time, Step, () => !a.Elector.IsLeader, "a steps down");

        var elapsed = _time.GetUtcNow() - lastRenew;
        Assert.InRange(elapsed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => a.Stopped == 1 && a.LeadingTokenCancelled, "leader work stopped");
    }

    [Fact]
    public async Task A_conflict_on_renew_is_retried_next_period_without_losing_leadership()
    {
        var a = Start("a");
        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader, "a leads");
        var before = Lease().Spec.RenewTime!.Value;
        _client.FailNext("update", FakeKubeClient.Conflict());

        await Eventually.AdvanceUntilAsync(_time, Step, () => Lease().Spec.RenewTime > before + TimeSpan.FromSeconds(2), "renewed after the conflict");

        Assert.True(a.Elector.IsLeader);
        Assert.Equal(0, a.Stopped);
    }

    [Fact]
    public async Task Re_acquiring_our_own_lease_keeps_acquireTime_and_transitions()
    {
        var a = Start("a");
        await Eventually.AdvanceUntilAsync(_time, Step, () => a.Elector.IsLeader, "a leads");
        var first = Lease();

        _time.Advance(TimeSpan.FromSeconds(6));
        await Eventually.AdvanceUntilAsync(_time, Step, () => Lease().Spec.RenewTime > first.Spec.RenewTime, "renewed");

        var renewed = Lease();
        Assert.Equal(first.Spec.AcquireTime, renewed.Spec.AcquireTime);
        Assert.Equal(0, renewed.Spec.LeaseTransitions);
        Assert.Equal(15, renewed.Spec.LeaseDurationSeconds);
    }

    [Fact]
    public void Rejects_a_renew_deadline_not_shorter_than_the_lease()
    {
        var config = new LeaderElectionConfig("ns", "lock", "a") { RenewDeadline = TimeSpan.FromSeconds(15) };
        Assert.Throws<ArgumentException>(() => new LeaderElector(_client, config, _time, NullLogger.Instance));
    }

    [Fact]
    public void Identity_is_hostname_plus_a_random_suffix()
    {
        var one = LeaderElectionConfig.NewIdentity();
        Assert.StartsWith(System.Net.Dns.GetHostName() + "_", one);
        Assert.NotEqual(one, LeaderElectionConfig.NewIdentity());
    }

    private V1Lease Lease() => _client.Peek<V1Lease>("lock", "ns")!;

    private Candidate Start(string identity, bool release = true)
    {
        var candidate = new Candidate(_client, _time, new LeaderElectionConfig("ns", "lock", identity) { ReleaseOnCancel = release });
        _candidates.Add(candidate);
        return candidate;
    }

    private sealed class Candidate
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;
        private int _started;
        private int _stopped;

        public Candidate(FakeKubeClient client, TimeProvider time, LeaderElectionConfig config)
        {
            Elector = new LeaderElector(client, config, time, NullLogger.Instance)
            {
                OnStartedLeading = async ct =>
                {
                    Interlocked.Increment(ref _started);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    finally
                    {
                        LeadingTokenCancelled = ct.IsCancellationRequested;
                    }
                },
                OnStoppedLeading = () => Interlocked.Increment(ref _stopped),
            };
            _run = Elector.RunAsync(_stop.Token);
        }

        public LeaderElector Elector { get; }
        public int Started => Volatile.Read(ref _started);
        public int Stopped => Volatile.Read(ref _stopped);
        public bool LeadingTokenCancelled { get; private set; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(Eventually.Bound);
        }
    }
}
