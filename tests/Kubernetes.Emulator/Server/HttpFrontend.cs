using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Auth;
using MlOperator.Kubernetes.Emulator.Protobuf;
using MlOperator.Kubernetes.Emulator.Schema;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Server;

/// <summary>
/// The HTTP face of the emulator: one terminal middleware that authenticates, applies fault injection,
/// decodes the kube URL and query, calls ApiCore and writes JSON or Status bodies. Nothing a client sends
/// may escape as a 500 or a dropped connection.
/// </summary>
internal sealed class HttpFrontend(ApiCore core, FaultInjector faults, EmulatorOptions options, ServiceAccountTokens tokens, Func<string> serverAddress, SimulatedControllers controllers, Kubelet.RealPodKubelet? realPods = null)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public async Task HandleAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        try
        {
            // A ServiceAccount token the emulator issued is that ServiceAccount (and RBAC applies); any other accepted
            // request is the administrator's.
            var user = tokens.Find(ctx.Request.Headers.Authorization.ToString());
            if (user is null && options.Token is { Length: > 0 } token && ctx.Request.Headers.Authorization.ToString() != "Bearer " + token)
                throw ApiError.Unauthorized();
            user ??= UserInfo.Admin;
            var path = ctx.Request.Path.Value ?? "/";
            if (path.StartsWith("/emulator/", StringComparison.Ordinal))
            {
                if (!user.IsSuperuser) throw ApiError.ForCode(403, $"forbidden: User \"{user.Name}\" cannot {ctx.Request.Method.ToLowerInvariant()} path \"{path}\"");
                await EmulatorEndpointAsync(ctx, path, ct);
                return;
            }
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (TokenRequestTarget(ctx.Request.Method, segments) is { } account)
            {
                Authorize(user, new RequestAttributes("create", "", "serviceaccounts", "token", account.Namespace, account.Name));
                await WriteJsonAsync(ctx, 201, IssueToken(account.Namespace, account.Name));
                return;
            }
            var watch = ctx.Request.Query["watch"].ToString() is "true" or "1";
            var info = RequestInfo.Parse(ctx.Request.Method, segments, watch, core.Registry);
            if (info is not null) Authorize(user, new RequestAttributes(info.Verb, info.Type.Group, info.Type.Plural, info.Subresource, info.Namespace, info.Name));
            var verb = info?.Verb ?? ctx.Request.Method.ToLowerInvariant();
            var resource = info?.Resource ?? path;
            faults.Record(verb, resource, $"{ctx.Request.Method} {path}{ctx.Request.QueryString}");
            var delay = faults.DelayFor(verb, resource);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, core.Time, ct);
            if (faults.TakeFailure(verb, resource) is { } failure)
            {
                var message = failure.StatusCode switch
                {
                    429 => "the server has received too many requests and has asked us to try again later",
                    503 => "the server is currently unable to handle the request",
                    504 => "the server was unable to return a response in the time allotted, but may still be processing the request",
                    _ => "Internal error occurred: injected fault",
                };
                var error = ApiError.ForCode(failure.StatusCode, message);
                if (failure.RetryAfter is { } ra)
                {
                    error = new ApiError(error.Code, error.Reason, error.Message, new JsonObject { ["retryAfterSeconds"] = (int)Math.Ceiling(ra.TotalSeconds) }) { RetryAfter = ra };
                }
                throw error;
            }
            if (info is null) await NonResourceAsync(ctx, path, segments, ct);
            else await ResourceAsync(ctx, info, ct);
        }
        catch (ApiError e)
        {
            await WriteErrorAsync(ctx, e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException or FormatException or InvalidOperationException or ArgumentException)
        {
            await WriteErrorAsync(ctx, ApiError.BadRequest(e.Message));
        }
        catch (Exception e)
        {
            await WriteErrorAsync(ctx, new ApiError(500, "InternalError", $"Internal error occurred: {e.Message}"));
        }
    }

    /// <summary>RBAC for users other than system:masters; discovery and other non-resource paths are open to any authenticated user.</summary>
    private void Authorize(UserInfo user, RequestAttributes request)
    {
        if (user.IsSuperuser) return;
        var allowed = RbacEvaluator.Allows(
            user,
            request,
            name => core.TryGet(BuiltInTypes.ClusterRoles, "", name)?.ToNode(),
            core.Store.List(BuiltInTypes.ClusterRoleBindings.StorageKey, null).Select(o => o.ToNode()),
            name => request.Namespace is null ? null : core.TryGet(BuiltInTypes.Roles, request.Namespace, name)?.ToNode(),
            request.Namespace is null ? [] : core.Store.List(BuiltInTypes.RoleBindings.StorageKey, request.Namespace).Select(o => o.ToNode()));
        if (allowed) return;
        var details = new JsonObject { ["name"] = request.Name ?? "" };
        if (request.Group.Length > 0) details["group"] = request.Group;
        details["kind"] = request.Resource;
        throw new ApiError(403, "Forbidden", RbacEvaluator.ForbiddenMessage(user, request), details);
    }

    /// <summary>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token (TokenRequest), which `kubectl create token` sends.</summary>
    private static (string Namespace, string Name)? TokenRequestTarget(string method, string[] s) =>
        method == "POST" && s.Length == 7 && s[0] == "api" && s[1] == "v1" && s[2] == "namespaces" && s[4] == "serviceaccounts" && s[6] == "token"
            ? (s[3], s[5])
            : null;

    private JsonObject IssueToken(string ns, string name)
    {
        core.Get(BuiltInTypes.ServiceAccounts, ns, name); // 404 for an unknown account, as kube answers
        var expires = core.Time.GetUtcNow().AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray("https://kubernetes.default.svc"), ["expirationSeconds"] = 3600 },
            ["status"] = new JsonObject { ["token"] = tokens.Issue(ns, name), ["expirationTimestamp"] = expires },
        };
    }

    private static async Task WriteErrorAsync(HttpContext ctx, ApiError e)
    {
        if (ctx.Response.HasStarted) return;
        if (e.RetryAfter is { } ra) ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString();
        await WriteJsonAsync(ctx, e.Code, Json.Serialize(e.ToStatus()));
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, string json, string contentType = "application/json")
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(json);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    private static Task WriteJsonAsync(HttpContext ctx, int code, JsonNode node) => WriteJsonAsync(ctx, code, Json.Serialize(node));

    // ------------------------------------------------------------------ discovery, version, openapi

    private async Task NonResourceAsync(HttpContext ctx, string path, string[] segments, CancellationToken ct)
    {
        if (ctx.Request.Method is not ("GET" or "HEAD")) throw ApiError.MethodNotAllowed(ctx.Request.Method);
        var accept = ctx.Request.Headers.Accept.ToString();
        var aggregated = accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && accept.Contains("v=v2;", StringComparison.Ordinal)
            || accept.Contains("v=v2;as=APIGroupDiscoveryList", StringComparison.Ordinal);
        var registry = core.Registry;
        switch (segments)
        {
            case ["version"]:
                await WriteJsonAsync(ctx, 200, Discovery.Version());
                return;
            case ["healthz"] or ["livez"] or ["readyz"]:
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok", ct);
                return;
            case ["api"]:
                if (aggregated) await WriteJsonAsync(ctx, 200, Json.Serialize(Discovery.Aggregated(registry, core: true)), Discovery.AggregatedContentType);
                else await WriteJsonAsync(ctx, 200, Discovery.ApiVersions(serverAddress()));
                return;
            case ["apis"]:
                if (aggregated) await WriteJsonAsync(ctx, 200, Json.Serialize(Discovery.Aggregated(registry, core: false)), Discovery.AggregatedContentType);
                else await WriteJsonAsync(ctx, 200, Discovery.ApiGroupList(registry));
                return;
            case ["api", "v1"]:
                await WriteJsonAsync(ctx, 200, Discovery.ResourceList(registry, "", "v1")!);
                return;
            case ["apis", var g]:
                await WriteJsonAsync(ctx, 200, Discovery.ApiGroup(registry, g) ?? throw ApiError.NoSuchResource());
                return;
            case ["apis", var g, var v]:
                await WriteJsonAsync(ctx, 200, Discovery.ResourceList(registry, g, v) ?? throw ApiError.NoSuchResource());
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(ctx, 200, Discovery.OpenApiIndex(registry));
                return;
            case ["openapi", "v3", ..]:
                await WriteJsonAsync(ctx, 200, Discovery.OpenApiDocument(registry, string.Join('/', segments[2..])) ?? throw ApiError.NoSuchResource());
                return;
            default:
                _ = path;
                throw ApiError.NoSuchResource();
        }
    }

    // ------------------------------------------------------------------ resources

    private async Task ResourceAsync(HttpContext ctx, RequestInfo info, CancellationToken ct)
    {
        var t = info.Type;
        var query = ctx.Request.Query;
        var ns = info.Namespace ?? "";
        switch (info.Verb)
        {
            case "get":
            {
                var obj = core.Get(t, ns, info.Name!);
                if (info.Subresource == "scale") await WriteJsonAsync(ctx, 200, core.ScaleOf(t, obj));
                else if (WantsTable(ctx)) await WriteJsonAsync(ctx, 200, Table(t, [obj], obj.ResourceVersion.ToString(), query["includeObject"]));
                else await WriteObjectAsync(ctx, 200, core.ViewJson(t, obj));
                return;
            }
            case "list":
            {
                var labels = LabelSelector.Parse(query["labelSelector"]);
                var fields = FieldSelector.Parse(query["fieldSelector"], t.Kind);
                var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : (int?)null;
                var list = core.List(t, info.Namespace, labels, fields, limit, query["continue"]);
                if (WantsTable(ctx))
                {
                    var table = Table(t, list.Items, list.ResourceVersion.ToString(), query["includeObject"]);
                    if (list.Continue is not null) ((JsonObject)table["metadata"]!)["continue"] = list.Continue;
                    await WriteJsonAsync(ctx, 200, table);
                    return;
                }
                var sb = new StringBuilder(256 + list.Items.Sum(i => i.Json.Length + 1));
                sb.Append("{\"kind\":\"").Append(t.ListKind).Append("\",\"apiVersion\":\"").Append(t.ApiVersion)
                  .Append("\",\"metadata\":{\"resourceVersion\":\"").Append(list.ResourceVersion).Append('"');
                if (list.Continue is not null) sb.Append(",\"continue\":\"").Append(list.Continue).Append('"');
                sb.Append("},\"items\":[");
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(core.ViewJson(t, list.Items[i]));
                }
                sb.Append("]}");
                await WriteJsonAsync(ctx, 200, sb.ToString());
                return;
            }
            case "watch":
                await WatchAsync(ctx, info, ct);
                return;
            case "create":
            {
                var body = await ReadObjectAsync(ctx, t, ct);
                var result = core.Create(t, ns, body, WriteOptionsFrom(ctx));
                await WriteResultAsync(ctx, t, result);
                return;
            }
            case "update":
            {
                var body = await ReadObjectAsync(ctx, t, ct);
                if (info.Subresource == "scale")
                {
                    var (_, scale) = core.UpdateScale(t, ns, info.Name!, _ => body, WriteOptionsFrom(ctx));
                    await WriteJsonAsync(ctx, 200, scale);
                    return;
                }
                var result = core.Update(t, ns, info.Name!, body, WriteOptionsFrom(ctx), info.Subresource);
                await WriteResultAsync(ctx, t, result);
                return;
            }
            case "patch":
            {
                var text = await ReadTextAsync(ctx, ct);
                var contentType = ctx.Request.ContentType ?? "";
                if (info.Subresource == "scale")
                {
                    var (_, scale) = core.UpdateScale(t, ns, info.Name!, current => PatchScale(contentType, text, current), WriteOptionsFrom(ctx));
                    await WriteJsonAsync(ctx, 200, scale);
                    return;
                }
                var result = core.Patch(t, ns, info.Name!, contentType, text, WriteOptionsFrom(ctx), info.Subresource);
                await WriteResultAsync(ctx, t, result);
                return;
            }
            case "delete":
            {
                var request = await DeleteRequestAsync(ctx, ct);
                var result = core.Delete(t, ns, info.Name!, request);
                if (result.Deleted && t != BuiltInTypes.Pods)
                {
                    var details = new JsonObject { ["name"] = result.Object.Name };
                    if (t.Group.Length > 0) details["group"] = t.Group;
                    details["kind"] = t.Plural;
                    details["uid"] = result.Object.Uid;
                    await WriteJsonAsync(ctx, 200, new JsonObject
                    {
                        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details,
                    });
                }
                else await WriteJsonAsync(ctx, 200, core.ViewJson(t, result.Object));
                return;
            }
            case "deletecollection":
            {
                var request = await DeleteRequestAsync(ctx, ct);
                core.DeleteCollection(t, info.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"], t.Kind), request);
                await WriteJsonAsync(ctx, 200, $"{{\"kind\":\"{t.ListKind}\",\"apiVersion\":\"{t.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{core.Store.CurrentResourceVersion}\"}},\"items\":[]}}");
                return;
            }
        }
    }

    private static JsonObject PatchScale(string contentType, string text, JsonObject current)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        var patch = Json.Parse(text, allowYaml: false);
        var result = mediaType switch
        {
            "application/json-patch+json" when patch is JsonArray ops => Patching.JsonPatch.Apply(current, ops),
            "application/merge-patch+json" or "application/strategic-merge-patch+json" => Patching.JsonMergePatch.Apply(current, patch),
            _ => throw ApiError.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
        };
        return result as JsonObject ?? throw ApiError.BadRequest("the patch must result in an object");
    }

    private async Task WriteResultAsync(HttpContext ctx, ResourceType t, WriteResult result)
    {
        foreach (var w in result.Warnings) ctx.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\"", "\\\"")}\"");
        await WriteObjectAsync(ctx, result.Code, core.ViewJson(t, result.Object));
    }

    /// <summary>JSON unless the client accepts only protobuf; then kube's protobuf envelope, or 406 for a kind without a table.</summary>
    private static async Task WriteObjectAsync(HttpContext ctx, int code, string json)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        var protobufOnly = accept.Contains(KubeProtobuf.MediaType, StringComparison.Ordinal)
            && !accept.Contains("json", StringComparison.Ordinal) && !accept.Contains("yaml", StringComparison.Ordinal) && !accept.Contains("*/*", StringComparison.Ordinal);
        if (!protobufOnly)
        {
            await WriteJsonAsync(ctx, code, json);
            return;
        }
        var bytes = KubeProtobuf.Encode(JsonNode.Parse(json)!.AsObject())
            ?? throw new ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml");
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = KubeProtobuf.MediaType;
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    private static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private JsonObject Table(ResourceType t, IReadOnlyList<StoredObject> items, string rv, string? includeObject, bool noHeaders = false)
    {
        var include = string.IsNullOrEmpty(includeObject) ? "Metadata" : includeObject;
        if (!t.IsCustom)
        {
            // kube's printers read the internal (core/v1-shaped) event, whichever API served it.
            var objects = items.Select(i => t.StorageKey == BuiltInTypes.Events.StorageKey ? i.ToNode() : core.ViewNode(t, i)).ToList();
            if (BuiltInPrinters.ToTable(t.StorageKey, objects, rv, core.Time.GetUtcNow(), include, noHeaders) is { } table) return table;
        }
        return TableConverter.ToTable([.. items.Select(i => core.ViewNode(t, i))], t.Columns, rv, core.Time.GetUtcNow(), include, noHeaders);
    }

    private static WriteOptions WriteOptionsFrom(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        string? manager = q["fieldManager"];
        if (string.IsNullOrEmpty(manager))
        {
            var ua = ctx.Request.Headers.UserAgent.ToString();
            manager = ua.Length == 0 ? null : ua.Split('/')[0];
            if (manager is { Length: > 128 }) manager = manager[..128];
        }
        var validation = q["fieldValidation"].ToString();
        if (validation.Length == 0) validation = "Warn";
        if (validation is not ("Strict" or "Warn" or "Ignore"))
            throw ApiError.BadRequest($"fieldValidation: Unsupported value: \"{validation}\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        var force = q["force"].ToString() is "true" or "1";
        var dryRun = q["dryRun"].ToString() == "All";
        return new WriteOptions(manager, validation, dryRun, force);
    }

    private static async Task<string> ReadTextAsync(HttpContext ctx, CancellationToken ct)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx, ResourceType t, CancellationToken ct)
    {
        var mediaType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var yaml = mediaType is "application/yaml" or "application/x-yaml" or "text/yaml";
        if (mediaType == KubeProtobuf.MediaType) return await ReadProtobufAsync(ctx, t, ct);
        if (!(yaml || mediaType is "" or "application/json" or "*/*"))
            throw ApiError.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        var text = await ReadTextAsync(ctx, ct);
        JsonNode? node;
        try
        {
            node = yaml ? Json.FromYaml(text) : Json.Parse(text, allowYaml: mediaType.Length == 0);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException or InvalidCastException)
        {
            throw ApiError.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
        return node as JsonObject ?? throw ApiError.BadRequest("couldn't get version/kind; json parse error: the body must be a JSON object");
    }

    /// <summary>
    /// kube's protobuf envelope for the built-in kinds with field tables (what kubectl's typed commands send); other
    /// kinds get 415 as before, a malformed body 400 worded as the apiserver's decoder words it.
    /// </summary>
    private static async Task<JsonObject> ReadProtobufAsync(HttpContext ctx, ResourceType t, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ct);
        try
        {
            var (apiVersion, kind, raw) = KubeProtobuf.ReadEnvelope(buffer.ToArray());
            if (apiVersion.Length == 0) apiVersion = t.ApiVersion;
            if (kind.Length == 0) kind = t.Kind;
            var message = ProtoSchema.RootMessage(apiVersion, kind)
                ?? throw ApiError.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this emulator decodes protobuf only for the built-in kinds kubectl's typed commands send, not {kind} in {apiVersion}: use kubectl apply)");
            return KubeProtobuf.DecodeObject(raw, message, apiVersion, kind);
        }
        catch (ProtobufDecodeException e)
        {
            throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: {e.Message}");
        }
    }

    private static async Task<DeleteRequest> DeleteRequestAsync(HttpContext ctx, CancellationToken ct)
    {
        var q = ctx.Request.Query;
        string? policy = q["propagationPolicy"];
        string? uid = null, rv = null;
        var dryRun = q["dryRun"].ToString() == "All";
        JsonNode? body = null;
        if ((ctx.Request.ContentType ?? "").Split(';')[0].Trim().Equals(KubeProtobuf.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            // client-go (helm's uninstall, kubectl's typed deletes) may send DeleteOptions as protobuf.
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > 0)
            {
                try
                {
                    var (apiVersion, _, raw) = KubeProtobuf.ReadEnvelope(buffer.ToArray());
                    body = KubeProtobuf.DecodeObject(raw, "meta.DeleteOptions", apiVersion.Length == 0 ? "v1" : apiVersion, "DeleteOptions");
                }
                catch (ProtobufDecodeException e)
                {
                    throw ApiError.BadRequest($"couldn't decode DeleteOptions: {e.Message}");
                }
            }
        }
        else if (await ReadTextAsync(ctx, ct) is { } text && !string.IsNullOrWhiteSpace(text))
        {
            try { body = Json.Parse(text, allowYaml: true); }
            catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException)
            {
                throw ApiError.BadRequest($"couldn't decode DeleteOptions: {e.Message}");
            }
        }
        if (body is not null)
        {
            if (body is not JsonObject o) throw ApiError.BadRequest("couldn't decode DeleteOptions: the body must be a JSON object");
            policy = Json.String(o, "propagationPolicy") ?? policy;
            if (o["orphanDependents"] is JsonValue od && od.TryGetValue<bool>(out var orphan)) policy ??= orphan ? "Orphan" : "Background";
            uid = Json.String(o["preconditions"], "uid");
            rv = Json.String(o["preconditions"], "resourceVersion");
            if (o["dryRun"] is JsonArray dr && dr.Any(d => d?.ToString() == "All")) dryRun = true;
        }
        if (string.IsNullOrEmpty(policy)) policy = null;
        return new DeleteRequest(policy, uid, rv, dryRun);
    }

    // ------------------------------------------------------------------ watch

    private async Task WatchAsync(HttpContext ctx, RequestInfo info, CancellationToken ct)
    {
        var t = info.Type;
        var q = ctx.Request.Query;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"], t.Kind);
        long? from = null;
        var rvText = q["resourceVersion"].ToString();
        if (rvText.Length > 0)
        {
            if (!long.TryParse(rvText, out var parsed) || parsed < 0)
                throw ApiError.BadRequest($"invalid resource version \"{rvText}\"");
            from = parsed;
        }
        var bookmarks = q["allowWatchBookmarks"].ToString() is "true" or "1";
        // Streaming lists (WatchList): initial state as ADDED events, then a bookmark marking their end.
        var sendInitialEvents = q["sendInitialEvents"].ToString() is "true" or "1";
        if (sendInitialEvents) from = null;
        var table = WantsTable(ctx);
        string includeObject = q["includeObject"].ToString() is { Length: > 0 } io ? io : "Metadata";
        TimeSpan? timeout = int.TryParse(q["timeoutSeconds"], out var ts) && ts > 0 ? TimeSpan.FromSeconds(ts) : null;
        var ns = info.Namespace;

        var start = core.Store.Watch(t.StorageKey, from);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        await ctx.Response.StartAsync(ct);
        await ctx.Response.Body.FlushAsync(ct);
        if (start.Watcher is null)
        {
            var status = ApiError.Expired(from ?? 0, start.CompactedAt ?? 0).ToStatus();
            await WriteLineAsync(ctx, $"{{\"type\":\"ERROR\",\"object\":{Json.Serialize(status)}}}", ct);
            return;
        }
        var watcher = start.Watcher;
        using var timeoutCts = timeout is { } to ? new CancellationTokenSource(to, core.Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, watcher.Dropped, timeoutCts.Token);
        using var bookmarkTimer = bookmarks
            ? core.Time.CreateTimer(static s => ((Watcher)s!).Events.Writer.TryWrite(null), watcher, options.BookmarkInterval, options.BookmarkInterval)
            : null;
        var lastRv = start.StartResourceVersion;
        var headersSent = false;
        try
        {
            foreach (var e in start.Initial)
            {
                lastRv = Math.Max(lastRv, e.ResourceVersion);
                if (Line(t, e, ns, labels, fields, table, includeObject, ref headersSent) is { } line) await WriteLineAsync(ctx, line, linked.Token);
            }
            if (sendInitialEvents && bookmarks)
                await WriteLineAsync(ctx, $"{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"{t.Kind}\",\"apiVersion\":\"{t.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{lastRv}\",\"annotations\":{{\"k8s.io/initial-events-end\":\"true\"}}}}}}}}", linked.Token);
            else if (bookmarks) watcher.Events.Writer.TryWrite(null);
            await foreach (var e in watcher.Events.Reader.ReadAllAsync(linked.Token))
            {
                string? line;
                if (e is null)
                    line = $"{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"{(table ? "Table" : t.Kind)}\",\"apiVersion\":\"{(table ? "meta.k8s.io/v1" : t.ApiVersion)}\",\"metadata\":{{\"resourceVersion\":\"{lastRv}\"}}}}}}";
                else
                {
                    lastRv = Math.Max(lastRv, e.ResourceVersion);
                    line = Line(t, e, ns, labels, fields, table, includeObject, ref headersSent);
                }
                if (line is not null) await WriteLineAsync(ctx, line, linked.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Client gone, timeoutSeconds elapsed, or watches dropped: end the stream cleanly.
        }
        finally
        {
            core.Store.Unwatch(watcher);
        }
    }

    private string? Line(ResourceType t, ChangeEvent e, string? ns, LabelSelector labels, FieldSelector fields, bool table, string includeObject, ref bool headersSent)
    {
        bool Match(StoredObject o) => (ns is null || o.Namespace == ns) && labels.Matches(o.Labels) && fields.Matches(o);
        var now = Match(e.Object);
        string type;
        if (e.Type == ChangeType.Modified && e.Previous is { } prev)
        {
            var before = Match(prev);
            if (!now && !before) return null;
            type = now && before ? "MODIFIED" : now ? "ADDED" : "DELETED";
        }
        else
        {
            if (!now) return null;
            type = e.TypeName;
        }
        var json = table
            ? Json.Serialize(Table(t, [e.Object], e.ResourceVersion.ToString(), includeObject, noHeaders: headersSent))
            : core.ViewJson(t, e.Object);
        // kube sends column definitions with the first Table event of a watch only.
        headersSent = true;
        return $"{{\"type\":\"{type}\",\"object\":{json}}}";
    }

    private static async Task WriteLineAsync(HttpContext ctx, string line, CancellationToken ct)
    {
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ct);
        await ctx.Response.Body.WriteAsync(Newline, ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    // ------------------------------------------------------------------ /emulator/ test hooks over HTTP

    private Kubelet.RealPodKubelet RealPods() => realPods ?? throw ApiError.ForCode(404, "real pod mode is off (EmulatorOptions.RealPods, --real-pods)");

    private async Task EmulatorEndpointAsync(HttpContext ctx, string path, CancellationToken ct)
    {
        var method = ctx.Request.Method;
        JsonObject? body = null;
        if (method == "POST")
        {
            var text = await ReadTextAsync(ctx, ct);
            body = string.IsNullOrWhiteSpace(text) ? new JsonObject() : Json.Parse(text, allowYaml: false) as JsonObject ?? throw ApiError.BadRequest("body must be an object");
        }
        switch (method, path)
        {
            case ("POST", "/emulator/faults"):
                faults.FailNext((int)(Json.Long(body, "count") ?? 1), (int)(Json.Long(body, "code") ?? 500), Json.String(body, "verb"), Json.String(body, "resource"),
                    Json.Long(body, "retryAfterSeconds") is { } s ? TimeSpan.FromSeconds(s) : null);
                break;
            case ("DELETE", "/emulator/faults"):
                faults.ClearFailures();
                break;
            case ("POST", "/emulator/delays"):
                faults.Delay(TimeSpan.FromMilliseconds(Json.Long(body, "delayMs") ?? 0), Json.String(body, "verb"), Json.String(body, "resource"));
                break;
            case ("DELETE", "/emulator/delays"):
                faults.ClearDelays();
                break;
            case ("POST", "/emulator/drop-watches"):
                faults.DropWatches();
                break;
            case ("POST", "/emulator/compact"):
                faults.CompactHistory();
                break;
            case ("GET", "/emulator/controllers"):
                await WriteJsonAsync(ctx, 200, new JsonObject { ["enabled"] = controllers.Enabled, ["paused"] = controllers.Paused, ["pending"] = controllers.Pending });
                return;
            case ("POST", "/emulator/controllers"):
                if (body?["paused"] is not JsonValue paused || !paused.TryGetValue<bool>(out var pause))
                    throw ApiError.BadRequest("body must be {\"paused\": true|false}");
                if (pause) controllers.Pause(); else controllers.Resume();
                break;
            case ("GET", "/emulator/counts"):
                var counts = new JsonObject();
                foreach (var (k, v) in faults.Counts.OrderBy(p => p.Key, StringComparer.Ordinal)) counts[k] = v;
                await WriteJsonAsync(ctx, 200, counts);
                return;
            case ("DELETE", "/emulator/counts"):
                faults.ResetCounts();
                break;
            case ("GET", _) when path.StartsWith("/emulator/services/", StringComparison.Ordinal) && path.Split('/') is [_, _, _, var ns, var name]:
                var url = RealPods().Proxy.Url(ns, name) ?? throw ApiError.ForCode(404, $"no proxy for service {ns}/{name} (a Service with a selector gets one once seen)");
                await WriteJsonAsync(ctx, 200, new JsonObject { ["url"] = url.ToString().TrimEnd('/') });
                return;
            case ("POST", "/emulator/pod-env"):
                var env = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, v) in body?["env"] as JsonObject ?? []) env[k] = v?.ToString() ?? "";
                try
                {
                    RealPods().AddEnv(new PodEnvRule(Json.String(body, "selector") ?? "", env));
                }
                catch (ArgumentException e)
                {
                    throw ApiError.BadRequest(e.Message);
                }
                break;
            case ("DELETE", "/emulator/pod-env"):
                RealPods().ClearEnv();
                break;
            default:
                throw ApiError.NoSuchResource();
        }
        await WriteJsonAsync(ctx, 200, "{}");
    }
}
