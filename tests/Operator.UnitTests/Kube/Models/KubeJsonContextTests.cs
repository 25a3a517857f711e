using System.Text.Json;
using k8s;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Kube.Models;

/// <summary>
/// The library's JSON options resolve types only through compile-time metadata, as the native AOT binary must:
/// a type the operator uses but the context lacks fails here, under the JIT, not in the shipped binary.
/// </summary>
public sealed class KubeJsonContextTests
{
    [Fact]
    public void A_type_outside_the_contexts_is_refused_rather_than_resolved_by_reflection()
    {
        var error = Assert.Throws<NotSupportedException>(() => KubernetesJson.Serialize(new Unregistered()));

        Assert.Contains(nameof(Unregistered), error.Message);
    }

    [Fact]
    public void Library_and_operator_share_one_options_instance_whose_first_resolver_is_the_operator_context()
    {
        var first = KubeJson.Options.TypeInfoResolverChain[0];

        Assert.Same(KubeJsonContext.Default, first);
        Assert.DoesNotContain(KubeJson.Options.TypeInfoResolverChain, r => r is System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver);
    }

    [Fact]
    public void Models_round_trip_with_the_library_converters_through_the_context()
    {
        var md = KubeJson.Deserialize<ModelDeployment>("""
            {"apiVersion":"serving.mloperator.io/v1alpha1","kind":"ModelDeployment",
             "metadata":{"name":"m","creationTimestamp":"2026-12-02T10:00:00Z"},
             "spec":{"model":{"name":"m","uri":"s3://b/k"}}}
            """);
        var pod = KubeJson.Deserialize<V1Pod>("""{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"500m"}},"ports":[{"containerPort":8080}]}]}}""");

        Assert.Equal(new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc), md.Metadata.CreationTimestamp);
        Assert.Contains("\"creationTimestamp\":\"2026-12-02T10:00:00Z\"", KubeJson.Serialize(md), StringComparison.Ordinal);
        Assert.Equal("500m", pod.Spec.Containers[0].Resources.Limits["cpu"].ToString());
        Assert.Equal("""{"spec":{"containers":[{"name":"c","ports":[{"containerPort":8080}],"resources":{"limits":{"cpu":"500m"}}}]}}""",
            KubeJson.Serialize(pod));
        using var copy = JsonDocument.Parse(KubeJson.Serialize(KubeJson.DeepCopy(md)));
        Assert.Equal("s3://b/k", copy.RootElement.GetProperty("spec").GetProperty("model").GetProperty("uri").GetString());
    }

    public sealed class Unregistered
    {
        public string Name { get; set; } = "x";
    }
}
