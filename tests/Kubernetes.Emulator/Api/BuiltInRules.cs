using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Defaulting and validation kube-apiserver applies to the built-in kinds the operator writes.</summary>
internal static class BuiltInRules
{
    private static readonly HashSet<string> MetadataFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    private static readonly Dictionary<string, HashSet<string>> TopLevel = new()
    {
        ["Namespace"] = ["spec", "status"],
        ["Pod"] = ["spec", "status"],
        ["Service"] = ["spec", "status"],
        ["ConfigMap"] = ["data", "binaryData", "immutable"],
        ["Secret"] = ["data", "stringData", "type", "immutable"],
        ["ResourceQuota"] = ["spec", "status"],
        ["Deployment"] = ["spec", "status"],
        ["Ingress"] = ["spec", "status"],
        ["HorizontalPodAutoscaler"] = ["spec", "status"],
        ["Lease"] = ["spec"],
        ["ReplicaSet"] = ["spec", "status"],
        ["ServiceAccount"] = ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        ["Endpoints"] = ["subsets"],
        ["EndpointSlice"] = ["addressType", "endpoints", "ports"],
        ["Job"] = ["spec", "status"],
        ["CronJob"] = ["spec", "status"],
        ["PriorityClass"] = ["value", "globalDefault", "description", "preemptionPolicy"],
        ["PodDisruptionBudget"] = ["spec", "status"],
        ["Role"] = ["rules"],
        ["ClusterRole"] = ["rules", "aggregationRule"],
        ["RoleBinding"] = ["subjects", "roleRef"],
        ["ClusterRoleBinding"] = ["subjects", "roleRef"],
        ["CustomResourceDefinition"] = ["spec", "status"],
        ["Event"] =
        [
            "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series",
            "action", "related", "reportingComponent", "reportingInstance", "regarding", "note", "reportingController",
            "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
        ],
    };

    /// <summary>Unknown top-level and metadata fields ("foo", "metadata.bar"), the part of strict decoding we can check without Go types.</summary>
    public static List<string> UnknownFields(ResourceType t, JsonObject obj)
    {
        var unknown = new List<string>();
        if (obj["metadata"] is JsonObject meta)
            foreach (var (k, _) in meta)
                if (!MetadataFields.Contains(k)) unknown.Add("metadata." + k);
        if (!t.IsCustom && TopLevel.TryGetValue(t.Kind, out var allowed))
            foreach (var (k, _) in obj)
                if (k is not ("apiVersion" or "kind" or "metadata") && !allowed.Contains(k)) unknown.Add(k);
        return unknown;
    }

    /// <summary>Type errors a Go decoder would reject with 400 (metadata strings and string maps).</summary>
    public static void CheckMetadataTypes(ResourceType t, JsonObject obj)
    {
        if (obj["metadata"] is { } m && m is not JsonObject) throw Decode(t, "metadata", "ObjectMeta", m);
        if (obj["metadata"] is not JsonObject meta) return;
        foreach (var f in new[] { "name", "generateName", "namespace", "resourceVersion", "uid", "creationTimestamp", "deletionTimestamp" })
            if (meta[f] is { } v && v.GetValueKind() != JsonValueKind.String) throw Decode(t, "metadata." + f, "string", v);
        foreach (var f in new[] { "labels", "annotations" })
        {
            if (meta[f] is null) continue;
            if (meta[f] is not JsonObject map) throw Decode(t, "metadata." + f, "map[string]string", meta[f]!);
            foreach (var (_, v) in map)
                if (v is not null && v.GetValueKind() != JsonValueKind.String) throw Decode(t, "metadata." + f, "string", v);
        }
        if (meta["finalizers"] is { } fin && (fin is not JsonArray fa || fa.Any(x => x?.GetValueKind() != JsonValueKind.String)))
            throw Decode(t, "metadata.finalizers", "[]string", fin);
        if (t.Kind == "Deployment" && obj["spec"] is JsonObject spec && spec["replicas"] is { } r && !(r is JsonValue rv && rv.TryGetValue<long>(out _)))
        {
            if (!(r is JsonValue dv && dv.GetValueKind() == JsonValueKind.Number && Json.Long(spec, "replicas") is not null))
                throw Decode(t, "spec.replicas", "int32", r);
        }
    }

    private static ApiError Decode(ResourceType t, string field, string goType, JsonNode value) =>
        ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: json: cannot unmarshal {JsonKind(value)} into Go struct field {field} of type {goType}");

    private static string JsonKind(JsonNode n) => n switch
    {
        JsonObject => "object", JsonArray => "array",
        _ => n.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "number", JsonValueKind.True or JsonValueKind.False => "bool", _ => "null" },
    };

    /// <summary>Defaults and validates; old is null on create. Throws ApiError 422.</summary>
    public static void Apply(ResourceType t, JsonObject? old, JsonObject obj, ClusterIpAllocator ips, NodePortAllocator nodePorts)
    {
        var name = Json.String(obj["metadata"], "name") ?? "";
        var errors = new List<(string, string, string)>();
        switch (t.Kind)
        {
            case "Deployment": Deployment(old, obj, errors); break;
            case "Service": Service(old, obj, errors, ips, nodePorts); break;
            case "HorizontalPodAutoscaler": Hpa(obj); break;
            case "Ingress": Ingress(obj, errors); break;
            case "Pod": Pod(old, obj, errors); break;
            case "Namespace":
                Json.Object(obj, "status")["phase"] ??= "Active";
                break;
            case "CronJob":
                var cronSpec = Json.Object(obj, "spec");
                cronSpec["suspend"] ??= false;
                cronSpec["concurrencyPolicy"] ??= "Allow";
                cronSpec["successfulJobsHistoryLimit"] ??= 3;
                cronSpec["failedJobsHistoryLimit"] ??= 1;
                break;
            case "PriorityClass":
                obj["preemptionPolicy"] ??= "PreemptLowerPriority";
                break;
            case "Secret" when Json.String(obj, "type") is null or "":
                obj["type"] = "Opaque";
                break;
        }
        CanonicalizeQuantities(t, obj, errors);
        if (errors.Count > 0) throw ApiError.Invalid(t, name, errors);
    }

    private static void Deployment(JsonObject? old, JsonObject obj, List<(string, string, string)> errors)
    {
        var spec = Json.Object(obj, "spec");
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = Json.Object(spec, "strategy");
        strategy["type"] ??= "RollingUpdate";
        if (Json.String(strategy, "type") == "RollingUpdate")
        {
            var ru = Json.Object(strategy, "rollingUpdate");
            ru["maxUnavailable"] ??= "25%";
            ru["maxSurge"] ??= "25%";
        }
        if (Json.Long(spec, "replicas") is < 0)
            errors.Add(("FieldValueInvalid", "spec.replicas", $"Invalid value: {spec["replicas"]!.ToJsonString()}: must be greater than or equal to 0"));
        var selector = spec["selector"] as JsonObject;
        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (selector is null || (selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 }))
            errors.Add(("FieldValueRequired", "spec.selector", "Required value"));
        else if (selector["matchLabels"] is JsonObject ml)
        {
            var ok = templateLabels is not null && ml.All(p => Json.String(templateLabels, p.Key) == p.Value?.ToString());
            if (!ok)
                errors.Add(("FieldValueInvalid", "spec.template.metadata.labels",
                    $"Invalid value: {GoMap(templateLabels)}: `selector` does not match template `labels`"));
        }
        if (spec["template"]?["spec"]?["containers"] is not JsonArray { Count: > 0 } containers)
            errors.Add(("FieldValueRequired", "spec.template.spec.containers", "Required value"));
        else
            for (var i = 0; i < containers.Count; i++)
            {
                if (Json.String(containers[i], "name") is null or "") errors.Add(("FieldValueRequired", $"spec.template.spec.containers[{i}].name", "Required value"));
                if (Json.String(containers[i], "image") is null or "") errors.Add(("FieldValueRequired", $"spec.template.spec.containers[{i}].image", "Required value"));
            }
        if (old is not null && !JsonNode.DeepEquals(Json.Canonical(old["spec"]?["selector"]), Json.Canonical(spec["selector"])))
            errors.Add(("FieldValueInvalid", "spec.selector",
                $"Invalid value: v1.LabelSelector{{MatchLabels:{GoMap(spec["selector"]?["matchLabels"] as JsonObject)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable"));
    }

    private static string GoMap(JsonObject? map) =>
        map is null || map.Count == 0 ? "map[string]string(nil)" :
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":\"{p.Value}\"")) + "}";

    private static void Service(JsonObject? old, JsonObject obj, List<(string, string, string)> errors, ClusterIpAllocator ips, NodePortAllocator nodePorts)
    {
        var spec = Json.Object(obj, "spec");
        spec["type"] ??= "ClusterIP";
        var type = Json.String(spec, "type");
        spec["sessionAffinity"] ??= "None";
        var needsNodePorts = type is "NodePort" or "LoadBalancer";
        var oldNodePorts = (old?["spec"]?["ports"] as JsonArray ?? []).Where(p => p?["nodePort"] is not null)
            .ToDictionary(p => (Json.Long(p, "port"), Json.String(p, "protocol")), p => (int)(Json.Long(p, "nodePort") ?? 0));
        if (spec["ports"] is JsonArray ports)
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i] is not JsonObject p) continue;
                p["protocol"] ??= "TCP";
                if (p["port"] is null) errors.Add(("FieldValueRequired", $"spec.ports[{i}].port", "Required value"));
                p["targetPort"] ??= p["port"]?.DeepClone();
                if (!needsNodePorts) p.Remove("nodePort");
                else if (Json.Long(p, "nodePort") is { } requested and not 0)
                {
                    if (!oldNodePorts.ContainsValue((int)requested) && !nodePorts.Reserve((int)requested))
                        errors.Add(("FieldValueInvalid", $"spec.ports[{i}].nodePort", $"Invalid value: {requested}: provided port is already allocated"));
                }
                else p["nodePort"] = oldNodePorts.TryGetValue((Json.Long(p, "port"), Json.String(p, "protocol")), out var kept) ? kept : nodePorts.Allocate();
            }
        if (needsNodePorts) spec["externalTrafficPolicy"] ??= "Cluster";
        if (type == "ExternalName") return;
        var oldIp = Json.String(old?["spec"], "clusterIP");
        var ip = Json.String(spec, "clusterIP");
        if (old is not null)
        {
            if (string.IsNullOrEmpty(ip)) ip = oldIp;
            else if (ip != oldIp)
                errors.Add(("FieldValueInvalid", "spec.clusterIPs[0]", $"Invalid value: []string{{\"{ip}\"}}: may not change once set"));
        }
        else if (string.IsNullOrEmpty(ip)) ip = ips.Allocate();
        else if (ip != "None" && (!ClusterIpAllocator.InRange(ip) || !ips.Reserve(ip)))
            errors.Add(("FieldValueInvalid", "spec.clusterIPs", $"Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated"));
        spec["clusterIP"] = ip;
        spec["clusterIPs"] ??= new JsonArray(ip);
        if (ip != "None")
        {
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
        }
        spec["internalTrafficPolicy"] ??= "Cluster";
    }

    private static void Hpa(JsonObject obj)
    {
        var spec = Json.Object(obj, "spec");
        spec["minReplicas"] ??= 1;
        if (spec["metrics"] is not JsonArray { Count: > 0 })
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 } },
            });
    }

    private static void Ingress(JsonObject obj, List<(string, string, string)> errors)
    {
        if (obj["spec"]?["rules"] is not JsonArray rules) return;
        for (var r = 0; r < rules.Count; r++)
        {
            if (rules[r]?["http"]?["paths"] is not JsonArray paths) continue;
            for (var p = 0; p < paths.Count; p++)
            {
                var pathType = Json.String(paths[p], "pathType");
                if (pathType is null)
                    errors.Add(("FieldValueRequired", $"spec.rules[{r}].http.paths[{p}].pathType", "Required value: pathType must be specified"));
                else if (pathType is not ("Exact" or "Prefix" or "ImplementationSpecific"))
                    errors.Add(("FieldValueNotSupported", $"spec.rules[{r}].http.paths[{p}].pathType", $"Unsupported value: \"{pathType}\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""));
            }
        }
    }

    private static void Pod(JsonObject? old, JsonObject obj, List<(string, string, string)> errors)
    {
        if (old is null)
        {
            var status = Json.Object(obj, "status");
            status["phase"] ??= "Pending";
        }
        if (obj["spec"]?["containers"] is not JsonArray { Count: > 0 })
            errors.Add(("FieldValueRequired", "spec.containers", "Required value"));
    }

    /// <summary>
    /// Canonicalises quantities in an apply configuration before ownership comparison, as kube's typed
    /// conversion does: otherwise "0.5" would conflict with a stored "500m". Invalid values are left for validation.
    /// </summary>
    public static void NormalizeApplied(ResourceType t, JsonObject applied)
    {
        if (!t.IsCustom) CanonicalizeQuantities(t, applied, []);
    }

    /// <summary>Canonical quantities (0.5 → 500m, 1024Mi → 1Gi) in container resources and quota hard/used, as Go's Quantity round-trips them.</summary>
    private static void CanonicalizeQuantities(ResourceType t, JsonObject obj, List<(string, string, string)> errors)
    {
        switch (t.Kind)
        {
            case "Pod": Containers(obj["spec"] as JsonObject, "spec", errors); break;
            case "Deployment": Containers(obj["spec"]?["template"]?["spec"] as JsonObject, "spec.template.spec", errors); break;
            case "ResourceQuota":
                Map(obj["spec"]?["hard"] as JsonObject, "spec.hard", errors);
                Map(obj["status"]?["hard"] as JsonObject, "status.hard", errors);
                Map(obj["status"]?["used"] as JsonObject, "status.used", errors);
                break;
        }
    }

    private static void Containers(JsonObject? podSpec, string path, List<(string, string, string)> errors)
    {
        if (podSpec is null) return;
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (podSpec[list] is not JsonArray cs) continue;
            for (var i = 0; i < cs.Count; i++)
            {
                if (cs[i]?["resources"] is not JsonObject res) continue;
                Map(res["requests"] as JsonObject, $"{path}.{list}[{i}].resources.requests", errors);
                Map(res["limits"] as JsonObject, $"{path}.{list}[{i}].resources.limits", errors);
            }
        }
    }

    private static void Map(JsonObject? map, string path, List<(string, string, string)> errors)
    {
        if (map is null) return;
        foreach (var key in map.Select(p => p.Key).ToList())
        {
            var raw = map[key] is JsonValue v ? (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) : null;
            if (raw is not null && Quantity.TryCanonicalize(raw, out var canonical)) map[key] = canonical;
            else
                errors.Add(("FieldValueInvalid", $"{path}[{key}]",
                    $"Invalid value: \"{raw}\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        }
    }
}
