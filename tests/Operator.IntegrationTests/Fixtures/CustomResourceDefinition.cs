using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

[KubeResource("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced = false)]
public sealed class CustomResourceDefinition : UnstructuredObject;
