using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Auth;

namespace MlOperator.Kubernetes.Emulator.Tests.Auth;

public class RbacEvaluatorTests
{
    private static readonly UserInfo Operator = UserInfo.ServiceAccount("ml-system", "ml-operator");

    private static JsonObject Role(string name, params (string[] Groups, string[] Resources, string[] Verbs, string[]? Names)[] rules) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["rules"] = new JsonArray([.. rules.Select(r =>
        {
            var rule = new JsonObject
            {
                ["apiGroups"] = new JsonArray([.. r.Groups.Select(g => (JsonNode)g)]),
                ["resources"] = new JsonArray([.. r.Resources.Select(g => (JsonNode)g)]),
                ["verbs"] = new JsonArray([.. r.Verbs.Select(g => (JsonNode)g)]),
            };
            if (r.Names is not null)
            {
                rule["resourceNames"] = new JsonArray([.. r.Names.Select(g => (JsonNode)g)]);
            }

            return (JsonNode)rule;
        })]),
    };

    private static JsonObject Binding(string roleKind, string role, params JsonObject[] subjects) => new()
    {
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = role },
        ["subjects"] = new JsonArray([.. subjects]),
    };

    private static JsonObject ServiceAccount(string name, string? ns = "ml-system")
    {
        var subject = new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name };
        if (ns is not null)
        {
            subject["namespace"] = ns;
        }

        return subject;
    }

    private static readonly JsonObject Deployments = Role("deployments", (["apps"], ["deployments"], ["get", "list", "watch", "patch"], null));

    private static bool Allows(RequestAttributes request, JsonObject[]? clusterRoles = null, JsonObject[]? clusterBindings = null, JsonObject[]? roles = null, JsonObject[]? bindings = null) =>
        RbacEvaluator.Allows(Operator, request,
            name => clusterRoles?.FirstOrDefault(r => (string?)r["metadata"]!["name"] == name),
            clusterBindings ?? [],
            name => roles?.FirstOrDefault(r => (string?)r["metadata"]!["name"] == name),
            bindings ?? []);

    private static RequestAttributes Request(string verb, string group, string resource, string? ns = "team-a", string? name = null, string? sub = null) =>
        new(verb, group, resource, sub, ns, name);

    [Fact]
    public void A_ClusterRoleBinding_grants_its_rules_everywhere()
    {
        JsonObject[] bindings = [Binding("ClusterRole", "deployments", ServiceAccount("ml-operator"))];

        Assert.True(Allows(Request("list", "apps", "deployments", ns: null), [Deployments], bindings));
        Assert.True(Allows(Request("patch", "apps", "deployments", name: "web"), [Deployments], bindings));
        Assert.False(Allows(Request("delete", "apps", "deployments", name: "web"), [Deployments], bindings));
        Assert.False(Allows(Request("get", "", "deployments", name: "web"), [Deployments], bindings)); // wrong group
        Assert.False(Allows(Request("get", "apps", "deployments", sub: "status", name: "web"), [Deployments], bindings)); // subresource not granted
    }

    [Fact]
    public void A_RoleBinding_grants_only_in_its_namespace()
    {
        JsonObject[] bindings = [Binding("Role", "deployments", ServiceAccount("ml-operator"))];

        Assert.True(Allows(Request("get", "apps", "deployments", name: "web"), roles: [Deployments], bindings: bindings));
        Assert.False(Allows(Request("list", "apps", "deployments", ns: null), roles: [Deployments], bindings: bindings));
    }

    [Fact]
    public void A_RoleBinding_may_refer_to_a_ClusterRole()
    {
        JsonObject[] bindings = [Binding("ClusterRole", "deployments", ServiceAccount("ml-operator"))];

        Assert.True(Allows(Request("get", "apps", "deployments", name: "web"), clusterRoles: [Deployments], bindings: bindings));
    }

    [Fact]
    public void Subjects_match_by_service_account_namespace_group_or_user()
    {
        Assert.False(Allows(Request("get", "apps", "deployments", name: "w"), [Deployments], [Binding("ClusterRole", "deployments", ServiceAccount("ml-operator", "other"))]));
        Assert.True(Allows(Request("get", "apps", "deployments", name: "w"), [Deployments],
            [Binding("ClusterRole", "deployments", new JsonObject { ["kind"] = "Group", ["name"] = "system:serviceaccounts:ml-system" })]));
        Assert.True(Allows(Request("get", "apps", "deployments", name: "w"), [Deployments],
            [Binding("ClusterRole", "deployments", new JsonObject { ["kind"] = "User", ["name"] = "system:serviceaccount:ml-system:ml-operator" })]));
    }

    [Fact]
    public void A_service_account_subject_without_namespace_means_the_bindings_own()
    {
        // In team-a the binding names ml-operator of team-a, not of ml-system.
        Assert.False(Allows(Request("get", "apps", "deployments", name: "w"), roles: [Deployments], bindings: [Binding("Role", "deployments", ServiceAccount("ml-operator", ns: null))]));
    }

    [Fact]
    public void Wildcards_and_star_slash_subresource_match_as_in_kube()
    {
        var all = Role("all", (["*"], ["*"], ["*"], null));
        var scale = Role("scale", (["apps"], ["*/scale"], ["get"], null));
        JsonObject[] bindAll = [Binding("ClusterRole", "all", ServiceAccount("ml-operator"))];
        JsonObject[] bindScale = [Binding("ClusterRole", "scale", ServiceAccount("ml-operator"))];

        Assert.True(Allows(Request("patch", "serving.mloperator.io", "modeldeployments", sub: "status", name: "m"), [all], bindAll));
        Assert.True(Allows(Request("get", "apps", "deployments", sub: "scale", name: "m"), [scale], bindScale));
        Assert.False(Allows(Request("get", "apps", "deployments", name: "m"), [scale], bindScale));
    }

    [Fact]
    public void Resource_names_limit_a_rule_to_those_objects()
    {
        var lease = Role("lease", (["coordination.k8s.io"], ["leases"], ["get", "update"], ["ml-operator"]));
        JsonObject[] bindings = [Binding("Role", "lease", ServiceAccount("ml-operator"))];

        Assert.True(Allows(Request("get", "coordination.k8s.io", "leases", name: "ml-operator"), roles: [lease], bindings: bindings));
        Assert.False(Allows(Request("get", "coordination.k8s.io", "leases", name: "other"), roles: [lease], bindings: bindings));
        Assert.False(Allows(Request("list", "coordination.k8s.io", "leases"), roles: [lease], bindings: bindings));
    }

    [Fact]
    public void Masters_need_no_binding() =>
        Assert.True(RbacEvaluator.Allows(UserInfo.Admin, Request("delete", "", "secrets", name: "s"), _ => null, [], _ => null, []));

    [Theory]
    [InlineData("list", "apps", "deployments", null, null, null,
        "deployments.apps is forbidden: User \"system:serviceaccount:ml-system:ml-operator\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope")]
    [InlineData("get", "", "secrets", "team-a", "creds", null,
        "secrets \"creds\" is forbidden: User \"system:serviceaccount:ml-system:ml-operator\" cannot get resource \"secrets\" in API group \"\" in the namespace \"team-a\"")]
    [InlineData("patch", "serving.mloperator.io", "modeldeployments", "team-a", "m", "status",
        "modeldeployments.serving.mloperator.io \"m\" is forbidden: User \"system:serviceaccount:ml-system:ml-operator\" cannot patch resource \"modeldeployments/status\" in API group \"serving.mloperator.io\" in the namespace \"team-a\"")]
    public void Forbidden_messages_read_as_kube_writes_them(string verb, string group, string resource, string? ns, string? name, string? sub, string expected) =>
        Assert.Equal(expected, RbacEvaluator.ForbiddenMessage(Operator, new RequestAttributes(verb, group, resource, sub, ns, name)));
}
