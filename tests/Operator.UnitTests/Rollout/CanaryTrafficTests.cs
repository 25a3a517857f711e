using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Rollout;

public class CanaryTrafficTests
{
    private static readonly RevisionPlan Stable = new(RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec), RevisionRole.Stable, 4);
    private static readonly RevisionPlan Canary = new(RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.Model.Version = "8").Spec), RevisionRole.Canary, 1);

    private static ObservedState CanaryReady(int ready) => new(
    [
        new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "fraud-detector-" + Canary.Hash, Labels = new Dictionary<string, string> { [ModelDeploymentLabels.Revision] = Canary.Hash } },
            Status = new V1DeploymentStatus { ReadyReplicas = ready },
        },
    ]);

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(1, 10, 10)]
    [InlineData(3, 50, 50)]
    [InlineData(1, 0, 0)]
    public void Weight_is_the_status_weight_once_a_canary_pod_is_ready(int ready, int statusWeight, int expected)
    {
        var decision = new RevisionDecision(Stable, Canary, Promoted: false) { Canary = new CanaryStatus { Weight = statusWeight } };

        Assert.Equal(expected, CanaryTraffic.Weight(decision, CanaryReady(ready)));
    }

    [Fact]
    public void No_weight_without_a_weighted_canary()
    {
        Assert.Null(CanaryTraffic.Weight(new RevisionDecision(Stable, null, Promoted: false), CanaryReady(1)));
        Assert.Null(CanaryTraffic.Weight(new RevisionDecision(Stable, Canary, Promoted: false), CanaryReady(1)));
    }

    [Fact]
    public void Unobserved_canary_gets_no_traffic() =>
        Assert.Equal(0, CanaryTraffic.Weight(
            new RevisionDecision(Stable, Canary, Promoted: false) { Canary = new CanaryStatus { Weight = 10 } }, ObservedState.Empty));
}
