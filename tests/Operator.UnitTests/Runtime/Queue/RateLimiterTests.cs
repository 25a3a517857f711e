using MlOperator.Operator.Runtime.Queue;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Runtime.Queue;

public class RateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Exponential_doubles_from_5ms_and_caps_at_1000s()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

        var delays = Enumerable.Range(0, 5).Select(_ => limiter.When("a").TotalMilliseconds).ToArray();
        Assert.Equal([5, 10, 20, 40, 80], delays);

        for (var i = 0; i < 100; i++)
        {
            limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));
        Assert.Equal(106, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
    }

    [Fact]
    public void Exponential_reaches_the_cap_exactly_at_the_first_doubling_beyond_it()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        // 5 ms · 2^17 = 655.36 s, 2^18 → 1310.72 s > cap.
        for (var i = 0; i < 17; i++)
        {
            limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(655.36), limiter.When("a"));
        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));
    }

    [Fact]
    public void Forget_resets_the_back_off()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        limiter.When("a");
        limiter.When("a");

        limiter.Forget("a");

        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public void Bucket_allows_the_burst_then_spaces_retries_at_qps()
    {
        var limiter = new BucketRateLimiter<string>(10, 100, _time);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.When("x" + i));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("y"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.When("z"));
    }

    [Fact]
    public void Bucket_refills_with_time_up_to_the_burst()
    {
        var limiter = new BucketRateLimiter<string>(10, 100, _time);
        for (var i = 0; i < 100; i++)
        {
            limiter.When("x");
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.When("x"));
        }

        Assert.True(limiter.When("x") > TimeSpan.Zero);

        _time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.When("x"));
        }

        Assert.True(limiter.When("x") > TimeSpan.Zero);
    }

    [Fact]
    public void Default_controller_limiter_takes_the_max_of_item_and_bucket()
    {
        var limiter = RateLimiters.DefaultController<string>(_time);

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        for (var i = 0; i < 98; i++)
        {
            limiter.When("other" + i);
        }

        // The bucket is empty now: its 100 ms beats the item's fresh 5 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("b"));
        Assert.Equal(2, limiter.NumRequeues("a"));
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
    }
}
