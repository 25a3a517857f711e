using System.Globalization;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Server-side Table rows for built-in kinds, as kube 1.33's pkg/printers/internalversion prints them (the apiserver
/// generates the wide form: every column, priority 1 ones included; kubectl hides those without -o wide).
/// </summary>
internal static class BuiltInPrinters
{
    private sealed record Column(string Name, string Type, int Priority = 0, string Format = "");

    private sealed record Printer(Column[] Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells);

    private static readonly Column Name = new("Name", "string", Format: "name");
    private static readonly Column Age = new("Age", "string");
    private static readonly Column[] Template = [new("Containers", "string", 1), new("Images", "string", 1), new("Selector", "string", 1)];

    private static readonly Dictionary<string, Printer> Printers = new(StringComparer.Ordinal)
    {
        ["/pods"] = new([Name, new("Ready", "string"), new("Status", "string"), new("Restarts", "string"), Age, new("IP", "string", 1), new("Node", "string", 1), new("Nominated Node", "string", 1), new("Readiness Gates", "string", 1)], Pod),
        ["apps/deployments"] = new([Name, new("Ready", "string"), new("Up-to-date", "string"), new("Available", "string"), Age, .. Template], Deployment),
        ["apps/replicasets"] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"), Age, .. Template], ReplicaSet),
        ["/services"] = new([Name, new("Type", "string"), new("Cluster-IP", "string"), new("External-IP", "string"), new("Port(s)", "string"), Age, new("Selector", "string", 1)], Service),
        ["networking.k8s.io/ingresses"] = new([Name, new("Class", "string"), new("Hosts", "string"), new("Address", "string"), new("Ports", "string"), Age], Ingress),
        ["autoscaling/horizontalpodautoscalers"] = new([Name, new("Reference", "string"), new("Targets", "string"), new("MinPods", "string"), new("MaxPods", "string"), new("Replicas", "string"), Age], Hpa),
        ["/events"] = new([new("Last Seen", "string"), new("Type", "string"), new("Reason", "string"), new("Object", "string"), new("Subobject", "string", 1), new("Source", "string", 1), new("Message", "string"), new("First Seen", "string", 1), new("Count", "string", 1), new("Name", "string", 1, "name")], Event),
        ["/resourcequotas"] = new([Name, Age, new("Request", "string"), new("Limit", "string")], Quota),
        ["/namespaces"] = new([Name, new("Status", "string"), Age], (o, now) => [N(o), Str(o, "status", "phase"), AgeOf(o, now)]),
        ["/configmaps"] = new([Name, new("Data", "string"), Age], (o, now) => [N(o), Count(o["data"]) + Count(o["binaryData"]), AgeOf(o, now)]),
        ["/secrets"] = new([Name, new("Type", "string"), new("Data", "string"), Age], (o, now) => [N(o), Str(o, "type"), Count(o["data"]), AgeOf(o, now)]),
        ["/serviceaccounts"] = new([Name, new("Secrets", "string"), Age], (o, now) => [N(o), Count(o["secrets"]), AgeOf(o, now)]),
        ["coordination.k8s.io/leases"] = new([Name, new("Holder", "string"), Age], (o, now) => [N(o), Str(o, "spec", "holderIdentity"), AgeOf(o, now)]),
        ["/endpoints"] = new([Name, new("Endpoints", "string"), Age], (o, now) => [N(o), Endpoints(o), AgeOf(o, now)]),
        ["discovery.k8s.io/endpointslices"] = new([Name, new("AddressType", "string"), new("Ports", "string"), new("Endpoints", "string"), Age], EndpointSlice),
        ["batch/jobs"] = new([Name, new("Status", "string"), new("Completions", "string"), new("Duration", "string"), Age, .. Template], Job),
        ["batch/cronjobs"] = new([Name, new("Schedule", "string"), new("Timezone", "string"), new("Suspend", "boolean"), new("Active", "integer"), new("Last Schedule", "string"), Age, .. Template], CronJob),
        ["rbac.authorization.k8s.io/roles"] = new([Name, new("Created At", "string")], (o, _) => [N(o), CreatedAt(o)]),
        ["rbac.authorization.k8s.io/clusterroles"] = new([Name, new("Created At", "string")], (o, _) => [N(o), CreatedAt(o)]),
        ["rbac.authorization.k8s.io/rolebindings"] = new([Name, new("Role", "string"), Age, new("Users", "string", 1), new("Groups", "string", 1), new("ServiceAccounts", "string", 1)], Binding),
        ["rbac.authorization.k8s.io/clusterrolebindings"] = new([Name, new("Role", "string"), Age, new("Users", "string", 1), new("Groups", "string", 1), new("ServiceAccounts", "string", 1)], Binding),
        ["policy/poddisruptionbudgets"] = new([Name, new("Min Available", "string"), new("Max Unavailable", "string"), new("Allowed Disruptions", "integer"), Age], Pdb),
        ["scheduling.k8s.io/priorityclasses"] = new([Name, new("Value", "integer"), new("Global-Default", "boolean"), Age, new("PreemptionPolicy", "string")],
            (o, now) => [N(o), o["value"]?.DeepClone() ?? 0, o["globalDefault"]?.DeepClone() ?? false, AgeOf(o, now), Str(o, "preemptionPolicy")]),
    };

    /// <summary>The Table kube serves for this built-in resource, or null when it has no printer here (Name/Age then).</summary>
    public static JsonObject? ToTable(string storageKey, IReadOnlyList<JsonObject> objects, string listResourceVersion, DateTimeOffset now, string includeObject, bool noHeaders)
    {
        if (!Printers.TryGetValue(storageKey, out var printer)) return null;
        var definitions = new JsonArray();
        foreach (var c in printer.Columns)
            definitions.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = Describe(c), ["priority"] = c.Priority });
        var rows = objects.Select(o => (o, new JsonArray(printer.Cells(o, now))));
        return TableConverter.Assemble(definitions, rows, listResourceVersion, includeObject, noHeaders);
    }

    private static string Describe(Column c) => c.Name switch
    {
        "Name" => TableConverter.NameDescription,
        "Age" => TableConverter.CreationTimestampDescription,
        _ => c.Name,
    };

    // ------------------------------------------------------------------ helpers

    private static JsonNode? N(JsonObject o) => Str(o, "metadata", "name");

    private static string Str(JsonNode? node, params string[] path) => Json.At(node, path) is JsonValue v ? v.ToString() : "";

    private static long Long(JsonNode? node, params string[] path) =>
        Json.At(node, path) is JsonValue v && long.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 0;

    private static long Count(JsonNode? node) => node switch { JsonObject o => o.Count, JsonArray a => a.Count, _ => 0 };

    private static DateTimeOffset? Time(string text) =>
        text.Length > 0 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static string Since(string timestamp, DateTimeOffset now) => Time(timestamp) is { } t ? TableConverter.HumanDuration(now - t) : "<unknown>";

    private static string AgeOf(JsonObject o, DateTimeOffset now) => Since(Str(o, "metadata", "creationTimestamp"), now);

    private static string CreatedAt(JsonObject o) => Time(Str(o, "metadata", "creationTimestamp")) is { } t ? Json.Rfc3339(t) : "";

    private static string OrNone(string s) => s.Length == 0 ? "<none>" : s;

    private static JsonNode?[] TemplateCells(JsonObject? podSpec, JsonNode? selector)
    {
        var containers = podSpec?["containers"] as JsonArray ?? [];
        return
        [
            string.Join(",", containers.Select(c => Str(c, "name"))),
            string.Join(",", containers.Select(c => Str(c, "image"))),
            SelectorText(selector),
        ];
    }

    /// <summary>metav1.LabelSelectorAsSelector(...).String(): "app=web,tier in (a,b)"; an empty selector prints as "" (matches everything).</summary>
    internal static string SelectorText(JsonNode? selector)
    {
        if (selector is not JsonObject s) return "<none>";
        var parts = new List<string>();
        if (s["matchLabels"] is JsonObject ml) parts.AddRange(ml.Select(p => (p.Key, Text: $"{p.Key}={p.Value}")).Select(p => p.Text));
        if (s["matchExpressions"] is JsonArray me)
            foreach (var e in me)
            {
                var key = Str(e, "key");
                var values = (e?["values"] as JsonArray ?? []).Select(v => v?.ToString() ?? "").Order(StringComparer.Ordinal).ToList();
                parts.Add(Str(e, "operator") switch
                {
                    "In" => $"{key} in ({string.Join(",", values)})",
                    "NotIn" => $"{key} notin ({string.Join(",", values)})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => key,
                });
            }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    private static string Joined(IReadOnlyList<string> items, int max = 3)
    {
        if (items.Count == 0) return "";
        return items.Count > max ? string.Join(",", items.Take(max)) + $" + {items.Count - max} more..." : string.Join(",", items);
    }

    // ------------------------------------------------------------------ kinds

    private static JsonNode?[] Pod(JsonObject o, DateTimeOffset now)
    {
        var status = o["status"] as JsonObject;
        var reason = Str(status, "reason") is { Length: > 0 } r ? r : Str(status, "phase");
        var total = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        int ready = 0;
        long restarts = 0;
        DateTimeOffset? lastRestart = null;
        var running = false;
        var statuses = status?["containerStatuses"] as JsonArray ?? [];
        for (var i = statuses.Count - 1; i >= 0; i--)
        {
            var cs = statuses[i];
            restarts += Long(cs, "restartCount");
            if (Time(Str(cs, "lastState", "terminated", "finishedAt")) is { } finished && (lastRestart is null || finished > lastRestart)) lastRestart = finished;
            if (Str(cs, "state", "waiting", "reason") is { Length: > 0 } waiting) reason = waiting;
            else if (Str(cs, "state", "terminated", "reason") is { Length: > 0 } terminated) reason = terminated;
            else if (cs?["state"]?["terminated"] is JsonObject t)
                reason = Long(t, "signal") != 0 ? $"Signal:{Long(t, "signal")}" : $"ExitCode:{Long(t, "exitCode")}";
            else if (cs?["ready"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && cs["state"]?["running"] is not null)
            {
                running = true;
                ready++;
            }
        }
        if (reason == "Completed" && running)
        {
            var podReady = (status?["conditions"] as JsonArray ?? []).Any(c => Str(c, "type") == "Ready" && Str(c, "status") == "True");
            reason = podReady ? "Running" : "NotReady";
        }
        if (o["metadata"]?["deletionTimestamp"] is not null && Str(status, "phase") is not ("Succeeded" or "Failed")) reason = "Terminating";
        var restartText = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is { } lr) restartText += $" ({TableConverter.HumanDuration(now - lr)} ago)";
        var gates = o["spec"]?["readinessGates"] as JsonArray ?? [];
        var gatesText = "<none>";
        if (gates.Count > 0)
        {
            var conditions = status?["conditions"] as JsonArray ?? [];
            var trueCount = gates.Count(g => conditions.Any(c => Str(c, "type") == Str(g, "conditionType") && Str(c, "status") == "True"));
            gatesText = $"{trueCount}/{gates.Count}";
        }
        return
        [
            N(o), $"{ready}/{total}", reason, restartText, AgeOf(o, now),
            OrNone(((status?["podIPs"] as JsonArray)?.FirstOrDefault() is { } first ? Str(first, "ip") : "")), OrNone(Str(o, "spec", "nodeName")), OrNone(Str(status, "nominatedNodeName")), gatesText,
        ];
    }

    private static JsonNode?[] Deployment(JsonObject o, DateTimeOffset now) =>
    [
        N(o), $"{Long(o, "status", "readyReplicas")}/{Long(o, "spec", "replicas")}", Long(o, "status", "updatedReplicas"), Long(o, "status", "availableReplicas"), AgeOf(o, now),
        .. TemplateCells(o["spec"]?["template"]?["spec"] as JsonObject, o["spec"]?["selector"]),
    ];

    private static JsonNode?[] ReplicaSet(JsonObject o, DateTimeOffset now) =>
    [
        N(o), Long(o, "spec", "replicas"), Long(o, "status", "replicas"), Long(o, "status", "readyReplicas"), AgeOf(o, now),
        .. TemplateCells(o["spec"]?["template"]?["spec"] as JsonObject, o["spec"]?["selector"]),
    ];

    private static JsonNode?[] Service(JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject;
        var type = Str(spec, "type");
        var externalIps = (spec?["externalIPs"] as JsonArray ?? []).Select(i => i?.ToString() ?? "").ToList();
        string external;
        switch (type)
        {
            case "ClusterIP" or "NodePort":
                external = externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>";
                break;
            case "LoadBalancer":
                var lb = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => Str(i, "ip") is { Length: > 0 } ip ? ip : Str(i, "hostname")).Where(s => s.Length > 0).ToList();
                var all = lb.Concat(externalIps).ToList();
                external = all.Count == 0 ? "<pending>" : string.Join(",", all);
                break;
            case "ExternalName":
                external = Str(spec, "externalName");
                break;
            default:
                external = "<unknown>";
                break;
        }
        var ports = (spec?["ports"] as JsonArray ?? []).Select(p =>
        {
            var nodePort = Long(p, "nodePort");
            return nodePort > 0 ? $"{Long(p, "port")}:{nodePort}/{Str(p, "protocol")}" : $"{Long(p, "port")}/{Str(p, "protocol")}";
        }).ToList();
        var selector = spec?["selector"] as JsonObject;
        var selectorText = selector is { Count: > 0 } ? string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) : "<none>";
        var clusterIp = (spec?["clusterIPs"] as JsonArray)?.FirstOrDefault()?.ToString() ?? "";
        return [N(o), type, OrNone(clusterIp), external, ports.Count == 0 ? "<none>" : string.Join(",", ports), AgeOf(o, now), selectorText];
    }

    private static JsonNode?[] Ingress(JsonObject o, DateTimeOffset now)
    {
        var rules = o["spec"]?["rules"] as JsonArray ?? [];
        var hosts = new List<string>();
        var more = false;
        foreach (var rule in rules)
        {
            if (hosts.Count == 3) more = true;
            if (!more && Str(rule, "host") is { Length: > 0 } h) hosts.Add(h);
        }
        var hostText = hosts.Count == 0 ? "*" : string.Join(",", hosts) + (more ? $" + {rules.Count - 3} more..." : "");
        var address = string.Join(",", (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => Str(i, "ip") is { Length: > 0 } ip ? ip : Str(i, "hostname")).Where(s => s.Length > 0));
        var ports = o["spec"]?["tls"] is JsonArray { Count: > 0 } ? "80, 443" : "80";
        return [N(o), OrNone(Str(o, "spec", "ingressClassName")), hostText, address, ports, AgeOf(o, now)];
    }

    private static JsonNode?[] Hpa(JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject;
        var reference = $"{Str(spec, "scaleTargetRef", "kind")}/{Str(spec, "scaleTargetRef", "name")}";
        var metrics = spec?["metrics"] as JsonArray ?? [];
        var current = o["status"]?["currentMetrics"] as JsonArray ?? [];
        var targets = new List<string>();
        for (var i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            var type = Str(m, "type");
            var cur = i < current.Count ? current[i] : null;
            switch (type)
            {
                case "Resource" or "ContainerResource":
                {
                    var key = type == "Resource" ? "resource" : "containerResource";
                    var target = m?[key]?["target"];
                    var name = Str(m, key, "name");
                    if (target?["averageValue"] is not null)
                    {
                        var c = Str(cur, key, "current", "averageValue") is { Length: > 0 } cv ? cv : "<unknown>";
                        targets.Add($"{name}: {c}/{Str(target, "averageValue")}");
                    }
                    else
                    {
                        var c = cur?[key]?["current"]?["averageUtilization"] is { } cu ? $"{cu}%" : "<unknown>";
                        var t = target?["averageUtilization"] is { } util ? $"{util}%" : "<auto>";
                        targets.Add($"{name}: {c}/{t}");
                    }
                    break;
                }
                case "Pods":
                {
                    var c = Str(cur, "pods", "current", "averageValue") is { Length: > 0 } cv ? cv : "<unknown>";
                    targets.Add($"{c}/{Str(m, "pods", "target", "averageValue")}");
                    break;
                }
                case "External" or "Object":
                {
                    var key = type == "External" ? "external" : "object";
                    var target = m?[key]?["target"];
                    if (target?["averageValue"] is not null)
                    {
                        var c = Str(cur, key, "current", "averageValue") is { Length: > 0 } cv ? cv : "<unknown>";
                        targets.Add($"{c}/{Str(target, "averageValue")} (avg)");
                    }
                    else
                    {
                        var c = Str(cur, key, "current", "value") is { Length: > 0 } cv ? cv : "<unknown>";
                        targets.Add($"{c}/{Str(target, "value")}");
                    }
                    break;
                }
                default:
                    targets.Add("<unknown type>");
                    break;
            }
        }
        var targetText = targets.Count == 0 ? "<none>" : targets.Count > 2 ? string.Join(", ", targets.Take(2)) + $" + {targets.Count - 2} more..." : string.Join(", ", targets);
        var min = spec?["minReplicas"] is { } mr ? mr.ToString() : "<unset>";
        return [N(o), reference, targetText, min, Long(spec, "maxReplicas"), Long(o, "status", "currentReplicas"), AgeOf(o, now)];
    }

    private static JsonNode?[] Event(JsonObject o, DateTimeOffset now)
    {
        var first = Str(o, "firstTimestamp") is { Length: > 0 } ft ? Since(ft, now) : Since(Str(o, "eventTime"), now);
        var last = Str(o, "lastTimestamp") is { Length: > 0 } lt ? Since(lt, now) : first;
        var count = Long(o, "count");
        if (o["series"] is JsonObject series)
        {
            last = Since(Str(series, "lastObservedTime"), now);
            count = Long(series, "count");
        }
        else if (count == 0) count = 1;
        var kind = Str(o, "involvedObject", "kind").ToLowerInvariant();
        var target = Str(o, "involvedObject", "name") is { Length: > 0 } n ? $"{kind}/{n}" : kind;
        var component = Str(o, "source", "component") is { Length: > 0 } sc ? sc : Str(o, "reportingComponent");
        var host = Str(o, "source", "host") is { Length: > 0 } sh ? sh : Str(o, "reportingInstance");
        var source = host.Length > 0 ? $"{component}, {host}" : component;
        return [last, Str(o, "type"), Str(o, "reason"), target, Str(o, "involvedObject", "fieldPath"), source, Str(o, "message").Trim(), first, count, N(o)];
    }

    private static JsonNode?[] Quota(JsonObject o, DateTimeOffset now)
    {
        var hard = o["status"]?["hard"] as JsonObject ?? [];
        var request = new List<string>();
        var limit = new List<string>();
        foreach (var resource in hard.Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            var used = Str(o, "status", "used", resource) is { Length: > 0 } u ? u : "0";
            var h = Str(o, "status", "hard", resource) is { Length: > 0 } hh ? hh : "0";
            var pieces = resource.Split('.');
            (pieces.Length > 1 && pieces[0] == "limits" ? limit : request).Add($"{resource}: {used}/{h}");
        }
        return [N(o), AgeOf(o, now), string.Join(", ", request), string.Join(", ", limit)];
    }

    private static string Endpoints(JsonObject o)
    {
        var list = new List<string>();
        foreach (var subset in o["subsets"] as JsonArray ?? [])
        {
            var ports = subset?["ports"] as JsonArray ?? [];
            foreach (var address in subset?["addresses"] as JsonArray ?? [])
            {
                if (ports.Count == 0) list.Add(Str(address, "ip"));
                else list.AddRange(ports.Select(p => $"{Str(address, "ip")}:{Long(p, "port")}"));
            }
        }
        return list.Count == 0 ? "<none>" : Joined(list);
    }

    private static JsonNode?[] EndpointSlice(JsonObject o, DateTimeOffset now)
    {
        var ports = (o["ports"] as JsonArray ?? []).Select(p => p?["port"] is null ? "" : Long(p, "port").ToString(CultureInfo.InvariantCulture)).Where(p => p.Length > 0).ToList();
        var addresses = (o["endpoints"] as JsonArray ?? []).SelectMany(e => (e?["addresses"] as JsonArray ?? []).Select(a => a?.ToString() ?? "")).ToList();
        return [N(o), Str(o, "addressType"), ports.Count == 0 ? "<unset>" : Joined(ports), addresses.Count == 0 ? "<unset>" : Joined(addresses), AgeOf(o, now)];
    }

    private static JsonNode?[] Job(JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject;
        var status = o["status"] as JsonObject;
        var succeeded = Long(status, "succeeded");
        string completions;
        if (spec?["completions"] is not null) completions = $"{succeeded}/{Long(spec, "completions")}";
        else
        {
            var parallelism = spec?["parallelism"] is null ? 0 : Long(spec, "parallelism");
            completions = parallelism > 1 ? $"{succeeded}/1 of {parallelism}" : $"{succeeded}/1";
        }
        var conditions = status?["conditions"] as JsonArray ?? [];
        bool Has(string type) => conditions.Any(c => Str(c, "type") == type && Str(c, "status") == "True");
        var state = Has("Complete") ? "Complete" : Has("Failed") ? "Failed" : o["metadata"]?["deletionTimestamp"] is not null ? "Terminating"
            : Has("Suspended") ? "Suspended" : Has("FailureTarget") ? "FailureTarget" : "Running";
        var duration = "";
        if (Time(Str(status, "startTime")) is { } start)
            duration = TableConverter.HumanDuration((Time(Str(status, "completionTime")) ?? now) - start);
        return [N(o), state, completions, duration, AgeOf(o, now), .. TemplateCells(spec?["template"]?["spec"] as JsonObject, spec?["selector"])];
    }

    private static JsonNode?[] CronJob(JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject;
        var last = Str(o, "status", "lastScheduleTime") is { Length: > 0 } l ? Since(l, now) : "<none>";
        // printBoolPtr: "True", "False" or "<unset>", a string although the column says boolean.
        var suspend = spec?["suspend"] is JsonValue sv ? sv.GetValueKind() == System.Text.Json.JsonValueKind.True ? "True" : "False" : "<unset>";
        var jobSpec = spec?["jobTemplate"]?["spec"];
        return
        [
            N(o), Str(spec, "schedule"), OrNone(Str(spec, "timeZone")), suspend, Count(o["status"]?["active"]), last, AgeOf(o, now),
            .. TemplateCells(jobSpec?["template"]?["spec"] as JsonObject, jobSpec?["selector"]),
        ];
    }

    private static JsonNode?[] Binding(JsonObject o, DateTimeOffset now)
    {
        var subjects = o["subjects"] as JsonArray ?? [];
        string Of(string kind, bool serviceAccount = false) => string.Join(", ", subjects.Where(s => Str(s, "kind") == kind)
            .Select(s => serviceAccount && Str(s, "namespace").Length > 0 ? $"{Str(s, "namespace")}/{Str(s, "name")}" : Str(s, "name")));
        return [N(o), $"{Str(o, "roleRef", "kind")}/{Str(o, "roleRef", "name")}", AgeOf(o, now), Of("User"), Of("Group"), Of("ServiceAccount", serviceAccount: true)];
    }

    private static JsonNode?[] Pdb(JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject;
        var min = spec?["minAvailable"] is { } m ? m.ToString() : "N/A";
        var max = spec?["maxUnavailable"] is { } x ? x.ToString() : "N/A";
        return [N(o), min, max, Long(o, "status", "disruptionsAllowed"), AgeOf(o, now)];
    }
}
