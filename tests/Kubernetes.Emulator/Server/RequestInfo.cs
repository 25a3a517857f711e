using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Server;

/// <summary>A resource request decoded from the URL: verb, type, namespace, name, subresource.</summary>
internal sealed record RequestInfo(string Verb, ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public string Resource => Subresource is null ? Type.Plural : Type.Plural + "/" + Subresource;

    /// <summary>Null when the path is not under /api/v1 or /apis/{g}/{v} with a resource segment.</summary>
    public static RequestInfo? Parse(string method, string[] segments, bool watch, ResourceRegistry registry)
    {
        string group, version;
        int start;
        if (segments.Length >= 3 && segments[0] == "api" && segments[1] == "v1") { group = ""; version = "v1"; start = 2; }
        else if (segments.Length >= 4 && segments[0] == "apis") { group = segments[1]; version = segments[2]; start = 3; }
        else return null;
        var rest = segments[start..];
        string? ns = null;
        string plural;
        string? name = null, sub = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(group.Length == 0 && rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            plural = rest[2];
            if (rest.Length > 3) name = rest[3];
            if (rest.Length > 4) sub = rest[4];
            if (rest.Length > 5) throw ApiError.NoSuchResource();
        }
        else
        {
            plural = rest[0];
            if (rest.Length > 1) name = rest[1];
            if (rest.Length > 2) sub = rest[2];
            if (rest.Length > 3) throw ApiError.NoSuchResource();
        }
        var type = registry.Find(group, version, plural) ?? throw ApiError.NoSuchResource();
        if (!type.Namespaced && ns is not null) throw ApiError.NoSuchResource();
        if (type.Namespaced && ns is null && name is not null) throw ApiError.NoSuchResource();
        if (sub is not null && !((sub == "status" && type.HasStatus) || (sub == "scale" && type.Scale is not null))) throw ApiError.NoSuchResource();
        var verb = (method, name is null) switch
        {
            ("GET", false) => "get",
            ("GET", true) => watch ? "watch" : "list",
            ("POST", true) => "create",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            ("DELETE", true) => "deletecollection",
            _ => throw ApiError.MethodNotAllowed(method),
        };
        if (sub is not null && verb is not ("get" or "update" or "patch")) throw ApiError.MethodNotAllowed(method);
        return new RequestInfo(verb, type, ns, name, sub);
    }
}
