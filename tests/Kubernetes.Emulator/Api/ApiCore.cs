using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Patching;
using MlOperator.Kubernetes.Emulator.Schema;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>
/// The apiserver's semantics over the store, independent of HTTP: create/update/patch/apply/delete with
/// metadata rules, optimistic concurrency, subresources, finalizers, CRD serving. Every read-modify-write
/// runs under the store lock.
/// </summary>
internal sealed class ApiCore(ResourceRegistry registry, ObjectStore store, TimeProvider time)
{
    private readonly ClusterIpAllocator _ips = new();
    private readonly NodePortAllocator _nodePorts = new();

    public ResourceRegistry Registry => registry;
    public ObjectStore Store => store;
    public TimeProvider Time => time;

    private static readonly string NamespaceKey = BuiltInTypes.Namespaces.StorageKey;

    // ---------------------------------------------------------------- reads

    public StoredObject Get(ResourceType t, string ns, string name) =>
        store.Get(t.StorageKey, t.Namespaced ? ns : "", name) ?? throw ApiError.NotFound(t, name);

    public StoredObject? TryGet(ResourceType t, string ns, string name) => store.Get(t.StorageKey, t.Namespaced ? ns : "", name);

    public ListResult List(ResourceType t, string? ns, LabelSelector labels, FieldSelector fields, int? limit, string? continueToken)
    {
        List<StoredObject> all;
        long rv;
        lock (store.Sync)
        {
            all = store.List(t.StorageKey, t.Namespaced ? ns : null);
            rv = store.CurrentResourceVersion;
        }
        var after = DecodeContinue(continueToken);
        var items = new List<StoredObject>();
        string? next = null;
        foreach (var o in all)
        {
            if (after is not null && string.CompareOrdinal(o.Key, after) <= 0) continue;
            if (!labels.Matches(o.Labels) || !fields.Matches(o)) continue;
            if (limit is > 0 && items.Count == limit)
            {
                next = Convert.ToBase64String(Encoding.UTF8.GetBytes(items[^1].Key));
                break;
            }
            items.Add(o);
        }
        return new ListResult(items, rv, next);
    }

    private static string? DecodeContinue(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(token)); }
        catch (FormatException) { throw ApiError.BadRequest("continue key is not valid: illegal base64 data"); }
    }

    /// <summary>The object as served by this resource type (apiVersion of the URL; events.k8s.io field names).</summary>
    public string ViewJson(ResourceType t, StoredObject o) => o.ApiVersion == t.ApiVersion ? o.Json : Json.Serialize(ViewNode(t, o));

    public JsonObject ViewNode(ResourceType t, StoredObject o)
    {
        var node = o.ToNode();
        if (o.ApiVersion == t.ApiVersion) return node;
        if (t.StorageKey == BuiltInTypes.Events.StorageKey) return EventViews.Convert(node, t.ApiVersion);
        if (t.StorageKey == BuiltInTypes.HorizontalPodAutoscalers.StorageKey) return HpaViews.Convert(node, t.ApiVersion);
        node["apiVersion"] = t.ApiVersion;
        return node;
    }

    private static JsonObject ToStorage(ResourceType t, JsonObject obj) =>
        t == BuiltInTypes.EventsV1 ? EventViews.Convert(obj, "v1")
        : t == BuiltInTypes.HorizontalPodAutoscalersV1 ? HpaViews.Convert(obj, HpaViews.V2)
        : obj;

    // ---------------------------------------------------------------- create

    public WriteResult Create(ResourceType t, string ns, JsonObject body, WriteOptions o, bool managedFieldsDone = false)
    {
        var warnings = new List<string>();
        BuiltInRules.CheckMetadataTypes(t, body);
        CheckTypeMeta(t, body);
        body = ToStorage(t, body);
        var meta = Json.Object(body, "metadata");
        if (!string.IsNullOrEmpty(Json.String(meta, "resourceVersion")))
            throw ApiError.BadRequest("resourceVersion should not be set on objects to be created");
        CheckNamespace(t, ns, meta);
        var name = Json.String(meta, "name");
        if (string.IsNullOrEmpty(name))
        {
            var generate = Json.String(meta, "generateName");
            if (string.IsNullOrEmpty(generate))
                throw ApiError.Invalid(t, "", "FieldValueRequired", "metadata.name", "Required value: name or generateName is required");
            name = generate + RandomSuffix();
            meta["name"] = name;
        }
        ValidateName(t, name);
        if (t.HasStatus && !o.Internal && t != BuiltInTypes.CustomResourceDefinitions) body.Remove("status");

        lock (store.Sync)
        {
            if (t.Namespaced && store.Get(NamespaceKey, "", ns) is null) throw ApiError.NamespaceNotFound(ns);
            if (TryGet(t, ns, name) is not null) throw ApiError.AlreadyExists(t, name);
            var now = time.GetUtcNow();
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Json.Rfc3339(now);
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("selfLink");
            if (t.TracksGeneration) meta["generation"] = 1; else meta.Remove("generation");
            if (meta["finalizers"] is JsonArray { Count: 0 }) meta.Remove("finalizers");
            IReadOnlyList<ResourceType>? crdTypes = null;
            Admit(t, null, body, o, warnings);
            if (t == BuiltInTypes.Pods) QuotaUsage.Admit(store, ns, body);
            if (t == BuiltInTypes.CustomResourceDefinitions) crdTypes = CrdSupport.Prepare(body, null, now);
            if (!managedFieldsDone && !o.Internal && o.FieldManager is { } manager)
                body = ServerSideApply.RecordUpdate(null, body, manager, null, t.MergeKeys, now);
            var stored = Persist(t, null, body, o);
            if (crdTypes is not null && !o.DryRun) registry.ReplaceCrd(name, crdTypes);
            return new WriteResult(stored, 201, false, warnings);
        }
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }

    private static void ValidateName(ResourceType t, string name)
    {
        var error = t == BuiltInTypes.Namespaces ? NameValidation.Dns1123Label(name)
            : t == BuiltInTypes.Services ? Dns1035Label(name)
            : NameValidation.Dns1123Subdomain(name);
        if (error is not null) throw ApiError.Invalid(t, name, "FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {error}");
    }

    // Service names become DNS labels, so kube also requires a leading letter.
    private static string? Dns1035Label(string name) =>
        name.Length <= 63 && System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z]([-a-z0-9]*[a-z0-9])?$") ? null
        : name.Length > 63 ? "must be no more than 63 characters"
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private void CheckTypeMeta(ResourceType t, JsonObject body)
    {
        var kind = Json.String(body, "kind");
        var apiVersion = Json.String(body, "apiVersion");
        if (kind is not null && kind != t.Kind)
            throw ApiError.BadRequest($"the object provided is unrecognized (must be of type {t.Kind}): kind {kind} in body");
        if (apiVersion is not null && apiVersion != t.ApiVersion)
        {
            var sameGroup = registry.All.Any(x => x.StorageKey == t.StorageKey && x.ApiVersion == apiVersion);
            if (!sameGroup)
                throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({t.ApiVersion})");
        }
        body["apiVersion"] = t.ApiVersion;
        body["kind"] = t.Kind;
    }

    private static void CheckNamespace(ResourceType t, string ns, JsonObject meta)
    {
        if (!t.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }
        var bodyNs = Json.String(meta, "namespace");
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        meta["namespace"] = ns;
    }

    /// <summary>Strict/Warn/Ignore of unknown fields, then schema or built-in defaulting and validation.</summary>
    private void Admit(ResourceType t, JsonObject? old, JsonObject obj, WriteOptions o, List<string> warnings)
    {
        var unknown = BuiltInRules.UnknownFields(t, obj);
        // Go's decoder drops what it does not know; Strict turns that into an error below.
        foreach (var u in unknown)
        {
            if (u.StartsWith("metadata.", StringComparison.Ordinal)) ((JsonObject)obj["metadata"]!).Remove(u["metadata.".Length..]);
            else obj.Remove(u);
        }
        if (t.IsCustom && t.Schema is { } schema)
        {
            unknown.AddRange(SchemaPruner.Prune(obj, schema));
            CheckUnknown(unknown, o, warnings);
            SchemaDefaulter.Apply(obj, schema);
            var errors = SchemaValidator.Validate(obj, schema);
            if (errors.Count > 0)
                throw ApiError.Invalid(t, Json.String(obj["metadata"], "name") ?? "", [.. errors.Select(e => (e.Reason, e.Field, e.Message))]);
        }
        else
        {
            CheckUnknown(unknown, o, warnings);
            if (!t.IsCustom) BuiltInRules.Apply(t, old, obj, _ips, _nodePorts);
        }
    }

    private static void CheckUnknown(List<string> unknown, WriteOptions o, List<string> warnings)
    {
        if (unknown.Count == 0) return;
        var text = string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
        if (o.FieldValidation.Equals("Strict", StringComparison.OrdinalIgnoreCase)) throw ApiError.BadRequest("strict decoding error: " + text);
        if (o.FieldValidation.Equals("Warn", StringComparison.OrdinalIgnoreCase)) warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
    }

    // ---------------------------------------------------------------- persist

    /// <summary>Stores the candidate unless it is byte-identical to the current object (ignoring managedFields times): then nothing happens.</summary>
    private StoredObject Persist(ResourceType t, StoredObject? current, JsonObject candidate, WriteOptions o)
    {
        var canonical = (JsonObject)Json.Canonical(candidate)!;
        var meta = (JsonObject)canonical["metadata"]!;
        if (current is not null && Fingerprint(canonical) == Fingerprint(current.ToNode())) return current;
        var rv = o.DryRun ? store.CurrentResourceVersion : store.NextResourceVersion();
        meta["resourceVersion"] = rv.ToString();
        var stored = StoredObject.From(canonical, Json.Serialize(canonical));
        if (!o.DryRun) store.Commit(new ChangeEvent(t.StorageKey, current is null ? ChangeType.Added : ChangeType.Modified, stored, current));
        return stored;
    }

    private static string Fingerprint(JsonObject canonical)
    {
        var clone = (JsonObject)canonical.DeepClone();
        if (clone["metadata"] is JsonObject m)
        {
            m.Remove("resourceVersion");
            // A write that changes nothing but managedFields timestamps is a no-op; a new owner is not.
            if (m["managedFields"] is JsonArray entries)
                foreach (var e in entries.OfType<JsonObject>()) e.Remove("time");
        }
        return Json.Serialize(clone);
    }

    private StoredObject Remove(string storageKey, StoredObject current, JsonObject? node = null)
    {
        node ??= current.ToNode();
        var canonical = (JsonObject)Json.Canonical(node)!;
        Json.Object(canonical, "metadata")["resourceVersion"] = store.NextResourceVersion().ToString();
        var stored = StoredObject.From(canonical, Json.Serialize(canonical));
        store.Commit(new ChangeEvent(storageKey, ChangeType.Deleted, stored, current));
        return stored;
    }

    // ---------------------------------------------------------------- update

    public WriteResult Update(ResourceType t, string ns, string name, JsonObject body, WriteOptions o, string? subresource)
    {
        BuiltInRules.CheckMetadataTypes(t, body);
        CheckTypeMeta(t, body);
        body = ToStorage(t, body);
        var meta = Json.Object(body, "metadata");
        var bodyName = Json.String(meta, "name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        meta["name"] = name;
        CheckNamespace(t, ns, meta);
        lock (store.Sync)
        {
            var current = Get(t, ns, name);
            return UpdateCore(t, current, body, o, subresource, requireResourceVersion: true, managedFieldsDone: false);
        }
    }

    private WriteResult UpdateCore(ResourceType t, StoredObject current, JsonObject candidate, WriteOptions o, string? subresource, bool requireResourceVersion, bool managedFieldsDone)
    {
        var warnings = new List<string>();
        var old = current.ToNode();
        var oldMeta = Json.Object(old, "metadata");
        var meta = Json.Object(candidate, "metadata");
        var rv = Json.String(meta, "resourceVersion");
        if (string.IsNullOrEmpty(rv))
        {
            if (requireResourceVersion && t.IsCustom && !o.Internal)
                throw ApiError.Invalid(t, current.Name, "FieldValueInvalid", "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
        }
        else if (rv != current.ResourceVersion.ToString()) throw ApiError.Conflict(t, current.Name);

        JsonObject next;
        if (subresource == "status")
        {
            next = (JsonObject)old.DeepClone();
            if (candidate["status"] is { } s) next["status"] = s.DeepClone(); else next.Remove("status");
            if (meta["managedFields"] is { } mf) Json.Object(next, "metadata")["managedFields"] = mf.DeepClone();
            // kube's Deployment status strategy resets only spec and labels: the controller records
            // deployment.kubernetes.io/revision through /status without bumping generation.
            if (t == BuiltInTypes.Deployments)
            {
                if (meta["annotations"] is { } annotations) Json.Object(next, "metadata")["annotations"] = annotations.DeepClone();
                else Json.Object(next, "metadata").Remove("annotations");
            }
        }
        else
        {
            next = candidate;
            if (t.HasStatus && t != BuiltInTypes.CustomResourceDefinitions)
            {
                if (old["status"] is { } s) next["status"] = s.DeepClone(); else next.Remove("status");
            }
            foreach (var f in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name" })
            {
                if (oldMeta[f] is { } v) meta[f] = v.DeepClone(); else meta.Remove(f);
            }
            if (meta["managedFields"] is null && oldMeta["managedFields"] is { } omf) meta["managedFields"] = omf.DeepClone();
            if (meta["finalizers"] is JsonArray { Count: 0 }) meta.Remove("finalizers");
            if (oldMeta["deletionTimestamp"] is not null)
            {
                var before = Finalizers(oldMeta);
                var added = Finalizers(meta).Where(f => !before.Contains(f)).ToList();
                if (added.Count > 0)
                    throw ApiError.Invalid(t, current.Name, "FieldValueForbidden", "metadata.finalizers",
                        $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(a => $"\"{a}\""))}}}");
            }
        }
        next["apiVersion"] = t.ApiVersion;
        next["kind"] = t.Kind;
        if (t == BuiltInTypes.EventsV1) next["apiVersion"] = "v1";
        if (t == BuiltInTypes.HorizontalPodAutoscalersV1) next["apiVersion"] = HpaViews.V2;

        Admit(t, old, next, o, warnings);
        IReadOnlyList<ResourceType>? crdTypes = null;
        var now = time.GetUtcNow();
        if (t == BuiltInTypes.CustomResourceDefinitions) crdTypes = CrdSupport.Prepare(next, old, now);
        if (t.TracksGeneration && subresource != "status" && GenerationChanged(t, old, next))
            Json.Object(next, "metadata")["generation"] = (Json.Long(oldMeta, "generation") ?? 1) + 1;
        if (!managedFieldsDone && !o.Internal && o.FieldManager is { } manager)
            next = ServerSideApply.RecordUpdate(old, next, manager, subresource, t.MergeKeys, now);

        var nextMeta = Json.Object(next, "metadata");
        if (nextMeta["deletionTimestamp"] is not null && Finalizers(nextMeta).Count == 0 && !o.DryRun)
        {
            var gone = RemoveWithCascade(t, current, next);
            return new WriteResult(gone, 200, true, warnings);
        }
        var stored = Persist(t, current, next, o);
        if (crdTypes is not null && !o.DryRun) registry.ReplaceCrd(current.Name, crdTypes);
        return new WriteResult(stored, 200, false, warnings);
    }

    private static List<string> Finalizers(JsonObject meta) =>
        meta["finalizers"] is JsonArray a ? [.. a.Select(f => f?.ToString() ?? "")] : [];

    private static bool GenerationChanged(ResourceType t, JsonObject old, JsonObject next)
    {
        if (t == BuiltInTypes.Deployments)
            return !JsonNode.DeepEquals(Json.Canonical(old["spec"]), Json.Canonical(next["spec"]))
                || !JsonNode.DeepEquals(Json.Canonical(old["metadata"]?["annotations"]), Json.Canonical(next["metadata"]?["annotations"]));
        static JsonNode? Strip(JsonObject o, bool status)
        {
            var c = (JsonObject)Json.Canonical(o)!;
            c.Remove("metadata");
            if (status) c.Remove("status");
            return c;
        }
        return !JsonNode.DeepEquals(Strip(old, t.HasStatus), Strip(next, t.HasStatus));
    }

    // ---------------------------------------------------------------- patch

    public WriteResult Patch(ResourceType t, string ns, string name, string contentType, string body, WriteOptions o, string? subresource)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        var kind = mediaType switch
        {
            "application/json-patch+json" => "json",
            "application/merge-patch+json" => "merge",
            "application/strategic-merge-patch+json" => "strategic",
            "application/apply-patch+yaml" or "application/apply-patch+json" => "apply",
            _ => null,
        };
        if (kind is null || (kind == "strategic" && t.IsCustom))
            throw ApiError.UnsupportedMediaType(
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(t.IsCustom ? "" : ", application/strategic-merge-patch+json")}");
        if (o.Force && kind != "apply")
            throw ApiError.Invalid("PatchOptions.meta.k8s.io", "meta.k8s.io", "PatchOptions", "", [("FieldValueForbidden", "force", "Forbidden: may not be specified for non-apply patch")]);
        if (kind == "apply" && string.IsNullOrEmpty(o.FieldManager))
            throw ApiError.Invalid("PatchOptions.meta.k8s.io", "meta.k8s.io", "PatchOptions", "", [("FieldValueRequired", "fieldManager", "Required value: is required for apply patch")]);

        JsonNode? patch;
        try { patch = Json.Parse(body, allowYaml: kind == "apply"); }
        catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException)
        {
            throw ApiError.BadRequest($"error decoding patch: {e.Message}");
        }
        if (kind == "json" && patch is not JsonArray) throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        if (kind != "json" && patch is not JsonObject) throw ApiError.BadRequest("error decoding patch: the patch must be a JSON object");
        var now = time.GetUtcNow();

        lock (store.Sync)
        {
            var current = TryGet(t, ns, name);
            if (kind == "apply")
            {
                var applied = (JsonObject)patch!;
                BuiltInRules.CheckMetadataTypes(t, applied);
                CheckTypeMeta(t, applied);
                var meta = Json.Object(applied, "metadata");
                var appliedName = Json.String(meta, "name");
                if (!string.IsNullOrEmpty(appliedName) && appliedName != name)
                    throw ApiError.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
                meta["name"] = name;
                CheckNamespace(t, ns, meta);
                var appliedRv = Json.String(meta, "resourceVersion");
                if (subresource == "status")
                {
                    applied = new JsonObject { ["apiVersion"] = t.ApiVersion, ["kind"] = t.Kind, ["metadata"] = meta.DeepClone(), ["status"] = applied["status"]?.DeepClone() };
                    if (applied["status"] is null) applied.Remove("status");
                }
                else if (t.HasStatus) applied.Remove("status");
                BuiltInRules.NormalizeApplied(t, applied);
                if (current is null)
                {
                    if (subresource is not null) throw ApiError.NotFound(t, name);
                    Json.Object(applied, "metadata").Remove("resourceVersion");
                    var created = Guard(() => ServerSideApply.Apply(null, applied, o.FieldManager!, o.Force, null, t.MergeKeys, now));
                    return Create(t, ns, created, o, managedFieldsDone: true);
                }
                if (!string.IsNullOrEmpty(appliedRv) && appliedRv != current.ResourceVersion.ToString()) throw ApiError.Conflict(t, name);
                var live = ViewNode(t, current);
                var result = Guard(() => ServerSideApply.Apply(live, applied, o.FieldManager!, o.Force, subresource, t.MergeKeys, now));
                Json.Object(result, "metadata")["resourceVersion"] = current.ResourceVersion.ToString();
                return UpdateCore(t, current, ToStorage(t, result), o, subresource, requireResourceVersion: false, managedFieldsDone: true);
            }

            if (current is null) throw ApiError.NotFound(t, name);
            var node = ViewNode(t, current);
            var patched = Guard(() => kind switch
            {
                "json" => JsonPatch.Apply(node, (JsonArray)patch!),
                "merge" => JsonMergePatch.Apply(node, patch),
                _ => StrategicMergePatch.Apply(node, (JsonObject)patch!, t.MergeKeys),
            });
            if (patched is not JsonObject patchedObject) throw ApiError.BadRequest("the patch must result in an object");
            BuiltInRules.CheckMetadataTypes(t, patchedObject);
            var pm = Json.Object(patchedObject, "metadata");
            if (Json.String(pm, "name") != name)
                throw ApiError.BadRequest($"the name of the object ({Json.String(pm, "name")}) does not match the name on the URL ({name})");
            if (Json.String(pm, "resourceVersion") is { Length: > 0 } prv && prv != current.ResourceVersion.ToString()) throw ApiError.Conflict(t, name);
            pm["resourceVersion"] = current.ResourceVersion.ToString();
            CheckTypeMeta(t, patchedObject);
            return UpdateCore(t, current, ToStorage(t, patchedObject), o, subresource, requireResourceVersion: false, managedFieldsDone: false);
        }
    }

    private static T Guard<T>(Func<T> action)
    {
        try { return action(); }
        catch (PatchException e) { throw ApiError.ForCode(e.StatusCode, e.Message); }
        catch (ApplyConflictException e)
        {
            var causes = new JsonArray([.. e.Conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with {c.DescribeManager()}",
                ["field"] = c.Field,
            })]);
            throw new ApiError(409, "Conflict", e.Message, new JsonObject { ["causes"] = causes });
        }
    }

    // ---------------------------------------------------------------- scale

    public JsonObject ScaleOf(ResourceType t, StoredObject o)
    {
        var node = o.ToNode();
        var scale = t.Scale ?? throw ApiError.NoSuchResource();
        var meta = (JsonObject)node["metadata"]!;
        var status = new JsonObject { ["replicas"] = Json.At(node, Json.SplitPath(scale.StatusReplicasPath))?.DeepClone() ?? 0 };
        if (t == BuiltInTypes.Deployments || t == BuiltInTypes.ReplicaSets)
        {
            if (node["spec"]?["selector"]?["matchLabels"] is JsonObject ml)
                status["selector"] = LabelSelector.FromMatchLabels(ml.Select(p => new KeyValuePair<string, string>(p.Key, p.Value?.ToString() ?? "")));
        }
        else if (scale.LabelSelectorPath is { } lp && Json.At(node, Json.SplitPath(lp)) is { } sel) status["selector"] = sel.DeepClone();
        var scaleMeta = new JsonObject
        {
            ["name"] = meta["name"]?.DeepClone(),
            ["namespace"] = meta["namespace"]?.DeepClone(),
            ["uid"] = meta["uid"]?.DeepClone(),
            ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
            ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
        };
        if (!t.Namespaced) scaleMeta.Remove("namespace");
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = Json.At(node, Json.SplitPath(scale.SpecReplicasPath))?.DeepClone() ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>PUT or PATCH of /scale: `change` turns the current Scale into the desired one.</summary>
    public (WriteResult Result, JsonObject Scale) UpdateScale(ResourceType t, string ns, string name, Func<JsonObject, JsonObject> change, WriteOptions o)
    {
        var scaleSpec = t.Scale ?? throw ApiError.NoSuchResource();
        lock (store.Sync)
        {
            var current = Get(t, ns, name);
            var desired = change(ScaleOf(t, current));
            var rv = Json.String(desired["metadata"], "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != current.ResourceVersion.ToString()) throw ApiError.Conflict(t, name);
            var replicas = Json.Long(desired["spec"], "replicas");
            if (replicas is null or < 0)
                throw ApiError.Invalid("Scale.autoscaling", "autoscaling", "Scale", name, [("FieldValueInvalid", "spec.replicas", $"Invalid value: {desired["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be greater than or equal to 0")]);
            var node = ViewNode(t, current);
            Json.Set(node, Json.SplitPath(scaleSpec.SpecReplicasPath), replicas.Value);
            var result = UpdateCore(t, current, ToStorage(t, node), o, "scale", requireResourceVersion: false, managedFieldsDone: false);
            return (result, ScaleOf(t, result.Object));
        }
    }

    // ---------------------------------------------------------------- delete

    public WriteResult Delete(ResourceType t, string ns, string name, DeleteRequest d)
    {
        lock (store.Sync)
        {
            var current = Get(t, ns, name);
            if (d.PreconditionUid is { Length: > 0 } uid && uid != current.Uid)
                throw ApiError.Conflict(t, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            if (d.PreconditionResourceVersion is { Length: > 0 } prv && prv != current.ResourceVersion.ToString())
                throw ApiError.Conflict(t, name, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {current.ResourceVersion}");
            if (d.PropagationPolicy is { } policy && policy is not ("Background" or "Foreground" or "Orphan"))
                throw ApiError.Invalid("DeleteOptions.meta.k8s.io", "meta.k8s.io", "DeleteOptions", "", [("FieldValueNotSupported", "propagationPolicy", $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")]);
            if (d.DryRun) return new WriteResult(current, 200, false, []);

            var node = current.ToNode();
            var meta = Json.Object(node, "metadata");
            var finalizers = Finalizers(meta);
            var changed = false;
            if (d.PropagationPolicy == "Orphan") OrphanDependents(current.Uid);
            if (d.PropagationPolicy == "Foreground" && !finalizers.Contains("foregroundDeletion") && HasDependents(current.Uid))
            {
                finalizers.Add("foregroundDeletion");
                meta["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f)!)]);
                changed = true;
            }
            if (finalizers.Count == 0) return new WriteResult(RemoveWithCascade(t, current, node), 200, true, []);
            if (meta["deletionTimestamp"] is null)
            {
                meta["deletionTimestamp"] = Json.Rfc3339(time.GetUtcNow());
                meta["deletionGracePeriodSeconds"] = 0;
                if (t.TracksGeneration) meta["generation"] = (Json.Long(meta, "generation") ?? 1) + 1;
                changed = true;
            }
            var stored = changed ? Persist(t, current, node, new WriteOptions()) : current;
            return new WriteResult(stored, 200, false, []);
        }
    }

    private bool HasDependents(string uid)
    {
        foreach (var key in store.StorageKeys)
            foreach (var o in store.List(key, null))
                if (o.OwnerUids.Contains(uid)) return true;
        return false;
    }

    private void OrphanDependents(string uid)
    {
        foreach (var key in store.StorageKeys)
            foreach (var o in store.List(key, null))
            {
                if (!o.OwnerUids.Contains(uid)) continue;
                var node = o.ToNode();
                var refs = (JsonArray)node["metadata"]!["ownerReferences"]!;
                foreach (var r in refs.Where(r => Json.String(r, "uid") == uid).ToList()) refs.Remove(r);
                var t = registry.All.First(x => x.StorageKey == key);
                Persist(t, o, node, new WriteOptions());
            }
    }

    /// <summary>Removes the object; namespaces take their contents with them, CRDs their custom resources.</summary>
    private StoredObject RemoveWithCascade(ResourceType t, StoredObject current, JsonObject node)
    {
        if (t == BuiltInTypes.Namespaces)
        {
            foreach (var key in store.StorageKeys)
                foreach (var o in store.List(key, current.Name))
                    if (o.Namespace == current.Name) Remove(key, o);
        }
        else if (t == BuiltInTypes.CustomResourceDefinitions)
        {
            var group = Json.String(node["spec"], "group");
            var plural = Json.String(node["spec"]?["names"], "plural");
            var key = group + "/" + plural;
            foreach (var o in store.List(key, null)) Remove(key, o);
            registry.RemoveCrd(current.Name);
        }
        else if (t == BuiltInTypes.Services)
        {
            _ips.Release(Json.String(node["spec"], "clusterIP"));
            foreach (var p in node["spec"]?["ports"] as JsonArray ?? [])
                if (Json.Long(p, "nodePort") is { } np) _nodePorts.Release((int)np);
        }
        return Remove(t.StorageKey, current, node);
    }

    public int DeleteCollection(ResourceType t, string? ns, LabelSelector labels, FieldSelector fields, DeleteRequest d)
    {
        var items = List(t, ns, labels, fields, null, null).Items;
        var count = 0;
        foreach (var o in items)
        {
            try
            {
                Delete(t, o.Namespace, o.Name, d with { PreconditionUid = null, PreconditionResourceVersion = null });
                count++;
            }
            catch (ApiError e) when (e.Code == 404) { }
        }
        return count;
    }

    // ---------------------------------------------------------------- bootstrap

    public void EnsureNamespace(string name)
    {
        if (store.Get(NamespaceKey, "", name) is not null) return;
        Create(BuiltInTypes.Namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, new WriteOptions(Internal: true));
    }
}
