using MlOperator.Operator.Rollout;

namespace MlOperator.Operator.UnitTests.Rollout;

public class CanaryReplicasTests
{
    [Theory]
    [InlineData(10, 2, 1)]
    [InlineData(10, 10, 1)]
    [InlineData(10, 11, 2)]
    [InlineData(50, 3, 2)]
    [InlineData(100, 7, 7)]
    [InlineData(1, 0, 1)]
    public void Canary_pods_are_the_ceiling_of_weight_times_stable_and_at_least_one(int weight, int stable, int expected) =>
        Assert.Equal(expected, CanaryReplicas.ForWeight(weight, stable));

    [Fact]
    public void Every_weight_and_size_gets_at_least_its_share_and_never_more_than_one_pod_extra()
    {
        for (var weight = 1; weight <= 100; weight++)
        {
            for (var stable = 1; stable <= 50; stable++)
            {
                var canary = CanaryReplicas.ForWeight(weight, stable);
                Assert.InRange(canary, 1, stable);
                Assert.True(canary * 100 >= weight * stable, $"weight {weight}, stable {stable}: {canary} pods is below the share");
                Assert.True((canary - 1) * 100 < weight * stable || canary == 1, $"weight {weight}, stable {stable}: {canary} pods is more than needed");
                if (weight > 1)
                {
                    Assert.True(canary >= CanaryReplicas.ForWeight(weight - 1, stable), "more weight never means fewer pods");
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Weights_outside_1_to_100_are_refused(int weight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryReplicas.ForWeight(weight, 3));

    [Theory]
    [InlineData(1, 9, 10)]
    [InlineData(1, 2, 33)]
    [InlineData(0, 0, 0)]
    [InlineData(2, 0, 100)]
    public void Effective_weight_is_the_canary_share_of_ready_pods(int canary, int stable, int expected) =>
        Assert.Equal(expected, CanaryReplicas.EffectiveWeight(canary, stable));
}
