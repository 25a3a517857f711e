namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>Every integration test shares one cluster (emulator or E2E_KUBECONFIG); each uses its own namespace.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<TestCluster>
{
    public const string Name = "cluster";
}
