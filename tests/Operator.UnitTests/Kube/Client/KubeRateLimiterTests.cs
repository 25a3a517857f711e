using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public class KubeRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Allows_a_burst_then_spaces_callers_at_the_sustained_rate()
    {
        var limiter = new KubeRateLimiter(qps: 10, burst: 3, _time);

        var waits = Enumerable.Range(0, 5).Select(_ => limiter.Reserve()).ToArray();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], waits);
    }

    [Fact]
    public void Refills_with_time_up_to_the_burst()
    {
        var limiter = new KubeRateLimiter(qps: 10, burst: 2, _time);
        limiter.Reserve();
        limiter.Reserve();

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.Reserve());
    }

    [Fact]
    public async Task A_waiting_caller_proceeds_only_when_its_token_is_due()
    {
        var limiter = new KubeRateLimiter(qps: 2, burst: 1, _time);
        await limiter.WaitAsync(CancellationToken.None);

        var waiting = limiter.WaitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await waiting;
    }

    [Fact]
    public void Zero_qps_turns_throttling_off()
    {
        var limiter = new KubeRateLimiter(qps: 0, burst: 1, _time);

        Assert.All(Enumerable.Range(0, 1000).Select(_ => limiter.Reserve()), wait => Assert.Equal(TimeSpan.Zero, wait));
    }
}
