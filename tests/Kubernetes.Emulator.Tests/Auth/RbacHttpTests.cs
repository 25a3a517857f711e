using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests.Auth;

/// <summary>ServiceAccount tokens are authorised by the RBAC objects in the emulator, as kube-apiserver does.</summary>
public sealed class RbacHttpTests
{
    private static HttpClient As(TestKube kube, string token)
    {
        var client = kube.Emulator.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task GrantAsync(TestKube kube, string verbs)
    {
        await kube.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", JsonNode.Parse($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"deployments"},
             "rules":[{"apiGroups":["apps"],"resources":["deployments"],"verbs":[{{verbs}}]}]}
            """)!.AsObject());
        await kube.CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", JsonNode.Parse("""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"deployments"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"deployments"},
             "subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"ops"}]}
            """)!.AsObject());
    }

    [Fact]
    public async Task A_service_account_without_bindings_is_forbidden_with_kubes_message()
    {
        await using var kube = await TestKube.StartAsync();
        using var bot = As(kube, kube.Emulator.IssueServiceAccountToken("ops", "bot"));

        using var response = await bot.GetAsync(Deployments);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Equal("deployments.apps is forbidden: User \"system:serviceaccount:ops:bot\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"default\"",
            (string?)status["message"]);
    }

    [Fact]
    public async Task A_binding_grants_exactly_its_verbs_in_its_namespace()
    {
        await using var kube = await TestKube.StartAsync();
        await GrantAsync(kube, "\"get\",\"list\"");
        await kube.CreateAsync(Deployments, Deployment("web"));
        using var bot = As(kube, kube.Emulator.IssueServiceAccountToken("ops", "bot"));

        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync(Deployments)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync(Deployments + "/web")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.DeleteAsync(Deployments + "/web")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync("/apis/apps/v1/deployments")).StatusCode); // cluster scope
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync(Deployments + "/web/status")).StatusCode); // subresource
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync("/api/v1/namespaces/default/secrets")).StatusCode);
    }

    [Fact]
    public async Task Discovery_is_open_to_every_authenticated_account_but_emulator_controls_are_not()
    {
        await using var kube = await TestKube.StartAsync();
        using var bot = As(kube, kube.Emulator.IssueServiceAccountToken("ops", "bot"));

        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("/apis")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("/version")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync("/emulator/requests")).StatusCode);
    }

    [Fact]
    public async Task TokenRequest_issues_a_token_for_an_existing_service_account()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync("/api/v1/namespaces/default/serviceaccounts", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "bot" },
        });

        var issued = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts/bot/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = new JsonObject(),
        });
        var missing = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts/ghost/token", new JsonObject());

        Assert.Equal(HttpStatusCode.Created, issued.Code);
        Assert.Equal("TokenRequest", (string?)issued.Body["kind"]);
        using var bot = As(kube, (string)issued.Body["status"]!["token"]!);
        var denied = JsonNode.Parse(await (await bot.GetAsync("/api/v1/namespaces/default/configmaps")).Content.ReadAsStringAsync())!;
        Assert.Contains("User \"system:serviceaccount:default:bot\" cannot list", (string?)denied["message"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.Code);
    }

    [Fact]
    public async Task Kubectl_create_token_gives_a_token_kubectl_is_then_limited_by()
    {
        // kubectl sends bearer tokens over https only.
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { Tls = true, Token = "admin-token" });
        using var kubectl = new Kubectl(kube.Emulator);
        await kubectl.KubectlOkAsync("create", "serviceaccount", "bot", "-n", "default");
        await GrantAsync(kube, "\"list\"");
        await kubectl.KubectlOkAsync("create", "rolebinding", "bot-view", "--clusterrole=deployments", "--serviceaccount=default:bot", "-n", "default");

        var token = (await kubectl.KubectlOkAsync("create", "token", "bot", "-n", "default")).Stdout.Trim();
        var allowed = await kubectl.KubectlAsync("get", "deployments", "-n", "default", "--token", token);
        var denied = await kubectl.KubectlAsync("get", "configmaps", "-n", "default", "--token", token);

        Assert.Equal(0, allowed.ExitCode);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("cannot list resource \"configmaps\"", denied.Stderr);
    }
}
