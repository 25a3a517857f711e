using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

[KubeResource("", "v1", "Namespace", "namespaces", Namespaced = false)]
public sealed class TestNamespace : UnstructuredObject;
