using System.Net.Http.Headers;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.UnitTests.Kube.Client;

/// <summary>The verb and resource the request handler reads back from a request, for metrics and retry decisions.</summary>
public class KubeRequestTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/p", null, "get", "pods", false)]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", null, "list", "pods", false)]
    [InlineData("GET", "/api/v1/pods?watch=true&resourceVersion=3", null, "watch", "pods", true)]
    [InlineData("GET", "/api/v1/namespaces/team", null, "get", "namespaces", false)]
    [InlineData("POST", "/apis/apps/v1/namespaces/ns/deployments", "application/json", "create", "deployments.apps", false)]
    [InlineData("PUT", "/apis/apps/v1/namespaces/ns/deployments/d/status", "application/json", "update", "deployments.apps/status", false)]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=m&force=true", "application/apply-patch+yaml", "apply", "deployments.apps", false)]
    [InlineData("PATCH", "/apis/serving.mloperator.io/v1alpha1/namespaces/ns/modeldeployments/m/status", "application/merge-patch+json", "patch", "modeldeployments.serving.mloperator.io/status", false)]
    [InlineData("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/r", null, "delete", "clusterroles.rbac.authorization.k8s.io", false)]
    [InlineData("GET", "/prefix/api/v1/namespaces/ns/configmaps", null, "list", "configmaps", false)]
    public void Reads_the_verb_and_resource_from_method_path_and_content_type(
        string method, string pathAndQuery, string? contentType, string verb, string resource, bool streaming)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(new Uri("https://k"), pathAndQuery));
        if (contentType is not null)
        {
            request.Content = new StringContent("{}");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        Assert.Equal(new KubeRequest(verb, resource, streaming), KubeRequest.Describe(request));
    }
}
