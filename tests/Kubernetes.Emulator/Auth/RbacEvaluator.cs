using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Auth;

/// <summary>
/// Kubernetes RBAC as the API server evaluates it (plugin/pkg/auth/authorizer/rbac): a request is allowed when any
/// rule of any role bound to the user — ClusterRoles through ClusterRoleBindings anywhere, Roles or ClusterRoles
/// through RoleBindings in the request's namespace — matches its verb, API group, resource (with subresource) and
/// name. There is no deny. Members of system:masters are allowed everything.
/// </summary>
internal static class RbacEvaluator
{
    public static bool Allows(
        UserInfo user,
        RequestAttributes request,
        Func<string, JsonObject?> clusterRole,
        IEnumerable<JsonObject> clusterRoleBindings,
        Func<string, JsonObject?> roleInRequestNamespace,
        IEnumerable<JsonObject> roleBindingsInRequestNamespace)
    {
        if (user.IsSuperuser)
        {
            return true;
        }

        foreach (var binding in clusterRoleBindings)
        {
            if (Binds(binding, user, bindingNamespace: null) && (string?)binding["roleRef"]?["kind"] == "ClusterRole"
                && clusterRole((string?)binding["roleRef"]?["name"] ?? "") is { } role && RulesAllow(role, request))
            {
                return true;
            }
        }

        if (request.Namespace is null)
        {
            return false;
        }

        foreach (var binding in roleBindingsInRequestNamespace)
        {
            if (!Binds(binding, user, request.Namespace))
            {
                continue;
            }

            var name = (string?)binding["roleRef"]?["name"] ?? "";
            var role = (string?)binding["roleRef"]?["kind"] switch
            {
                "Role" => roleInRequestNamespace(name),
                "ClusterRole" => clusterRole(name),
                _ => null,
            };
            if (role is not null && RulesAllow(role, request))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>kube's Forbidden message (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go).</summary>
    public static string ForbiddenMessage(UserInfo user, RequestAttributes request)
    {
        var qualified = request.Group.Length == 0 ? request.Resource : $"{request.Resource}.{request.Group}";
        var subject = request.Name is null ? qualified : $"{qualified} \"{request.Name}\"";
        var scope = request.Namespace is null ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        return $"{subject} is forbidden: User \"{user.Name}\" cannot {request.Verb} resource \"{request.ResourceWithSubresource}\" in API group \"{request.Group}\" {scope}";
    }

    private static bool Binds(JsonObject binding, UserInfo user, string? bindingNamespace)
    {
        foreach (var subject in binding["subjects"]?.AsArray() ?? [])
        {
            var kind = (string?)subject?["kind"];
            var name = (string?)subject?["name"];
            var matches = kind switch
            {
                "User" => name == user.Name,
                "Group" => name is not null && user.Groups.Contains(name),
                // A ServiceAccount subject without a namespace means the binding's own (RoleBindings only).
                "ServiceAccount" => user.Name == $"system:serviceaccount:{(string?)subject?["namespace"] ?? bindingNamespace}:{name}",
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static bool RulesAllow(JsonObject role, RequestAttributes request)
    {
        foreach (var rule in role["rules"]?.AsArray() ?? [])
        {
            if (rule is JsonObject r
                && Has(r["verbs"], request.Verb)
                && Has(r["apiGroups"], request.Group)
                // "*" covers subresources too; "*/scale" covers every resource's scale (ResourceMatches in kube).
                && Has(r["resources"], request.ResourceWithSubresource, request.Subresource is null ? null : "*/" + request.Subresource)
                && (r["resourceNames"] is not JsonArray { Count: > 0 } names || (request.Name is not null && names.Any(n => (string?)n == request.Name))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Has(JsonNode? list, params string?[] wanted) =>
        list is JsonArray values && values.Any(v => (string?)v is { } s && (s == "*" || wanted.Contains(s)));
}
