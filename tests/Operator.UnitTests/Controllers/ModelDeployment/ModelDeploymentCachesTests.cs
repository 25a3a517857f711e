using k8s.Models;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Resources;

namespace MlOperator.Operator.UnitTests.Controllers.ModelDeployment;

public class ModelDeploymentCachesTests
{
    [Fact]
    public void ModelDeployments_with_the_same_spec_share_a_revision_hash_but_not_a_pod_index_key()
    {
        // The revision is a hash of the pod template, so identical ModelDeployments have the same one; a pass must
        // still read only its own ModelDeployment's pods from the index, not every pod of the namespace.
        var fraud = Pod("fraud", "7f9c");
        var churn = Pod("churn", "7f9c");

        var fraudKeys = ModelDeploymentCaches.RevisionKeys(fraud).ToList();
        var churnKeys = ModelDeploymentCaches.RevisionKeys(churn).ToList();

        Assert.Single(fraudKeys);
        Assert.Single(churnKeys);
        Assert.NotEqual(fraudKeys[0], churnKeys[0]);
        Assert.Equal(ModelDeploymentCaches.RevisionKey("risk", ModelDeploymentLabels.LabelValue("fraud"), "7f9c"), fraudKeys[0]);
    }

    [Fact]
    public void A_pod_without_the_revision_or_model_deployment_label_is_not_indexed()
    {
        var noRevision = Pod("fraud", "7f9c");
        noRevision.Metadata.Labels.Remove(ModelDeploymentLabels.Revision);
        var noOwner = Pod("fraud", "7f9c");
        noOwner.Metadata.Labels.Remove(ModelDeploymentLabels.ModelDeploymentLabel);

        Assert.Empty(ModelDeploymentCaches.RevisionKeys(noRevision));
        Assert.Empty(ModelDeploymentCaches.RevisionKeys(noOwner));
    }

    private static V1Pod Pod(string modelDeployment, string revision) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{modelDeployment}-{revision}-1",
            NamespaceProperty = "risk",
            Labels = new Dictionary<string, string>
            {
                [ModelDeploymentLabels.ModelDeploymentLabel] = ModelDeploymentLabels.LabelValue(modelDeployment),
                [ModelDeploymentLabels.Revision] = revision,
            },
        },
    };
}
