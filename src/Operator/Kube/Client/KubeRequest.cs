using System.Net.Http.Headers;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// The verb and resource of a REST request, read back from its method and path, for metrics and retry decisions:
/// /api/v1/namespaces/ns/pods/x → get pods; /apis/apps/v1/deployments?watch=true → watch deployments.apps.
/// </summary>
internal sealed record KubeRequest(string Verb, string Resource, bool Streaming)
{
    private const string ApplyContent = "application/apply-patch+yaml";

    public static KubeRequest Describe(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // A server URL may carry a path prefix (a proxy's /k8s/clusters/c-1): the API path starts at /api or /apis.
        var start = Array.FindIndex(segments, s => s is "api" or "apis");
        segments = start > 0 ? segments[start..] : segments;
        var (group, rest) = segments switch
        {
            ["api", _, .. var r] => ("", r),
            ["apis", var g, _, .. var r] => (g, r),
            _ => ("", segments),
        };
        if (rest is ["namespaces", _, _, ..])
        {
            rest = rest[2..];
        }

        var plural = rest.Length > 0 ? rest[0] : "";
        var named = rest.Length > 1;
        var subresource = rest.Length > 2 ? rest[2] : null;
        var resource = (group.Length == 0 ? plural : $"{plural}.{group}") + (subresource is null ? "" : "/" + subresource);
        var watch = uri.Query.Contains("watch=true", StringComparison.Ordinal) || uri.Query.Contains("watch=1", StringComparison.Ordinal);
        var verb = request.Method.Method switch
        {
            "GET" when watch => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" when IsApply(request.Content?.Headers.ContentType) => "apply",
            "PATCH" => "patch",
            "DELETE" => "delete",
            var other => other.ToLowerInvariant(),
        };
        return new KubeRequest(verb, resource, watch);
    }

    private static bool IsApply(MediaTypeHeaderValue? contentType) =>
        string.Equals(contentType?.MediaType, ApplyContent, StringComparison.OrdinalIgnoreCase);
}
