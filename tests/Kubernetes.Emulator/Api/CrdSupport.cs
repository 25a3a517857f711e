using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Turns a CustomResourceDefinition object into served resource types and fills its status like the apiextensions controllers.</summary>
internal static class CrdSupport
{
    /// <summary>Defaults and validates the CRD, then returns the types it serves. Throws ApiError 422.</summary>
    public static IReadOnlyList<ResourceType> Prepare(JsonObject crd, JsonObject? old, DateTimeOffset now)
    {
        var t = BuiltInTypes.CustomResourceDefinitions;
        var name = Json.String(crd["metadata"], "name") ?? "";
        var errors = new List<(string, string, string)>();
        var spec = crd["spec"] as JsonObject;
        var group = Json.String(spec, "group") ?? "";
        var names = spec?["names"] as JsonObject;
        var plural = Json.String(names, "plural") ?? "";
        var kind = Json.String(names, "kind") ?? "";
        var scope = Json.String(spec, "scope") ?? "";
        if (group.Length == 0) errors.Add(("FieldValueRequired", "spec.group", "Required value"));
        if (plural.Length == 0) errors.Add(("FieldValueRequired", "spec.names.plural", "Required value"));
        if (kind.Length == 0) errors.Add(("FieldValueRequired", "spec.names.kind", "Required value"));
        if (scope is not ("Namespaced" or "Cluster"))
            errors.Add(("FieldValueNotSupported", "spec.scope", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\""));
        if (plural.Length > 0 && group.Length > 0 && name != $"{plural}.{group}")
            errors.Add(("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        var versions = spec?["versions"] as JsonArray;
        if (versions is null || versions.Count == 0) errors.Add(("FieldValueInvalid", "spec.versions", "Invalid value: null: must have exactly one version marked as storage version"));
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
            errors.Add(("FieldValueInvalid", "spec.versions", "Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version"));
        if (old is not null && Json.String(old["spec"], "group") != group)
            errors.Add(("FieldValueInvalid", "spec.group", $"Invalid value: \"{group}\": field is immutable"));

        var types = new List<ResourceType>();
        if (errors.Count == 0)
        {
            names!["singular"] ??= kind.ToLowerInvariant();
            names["listKind"] ??= kind + "List";
            spec!["conversion"] ??= new JsonObject { ["strategy"] = "None" };
            for (var i = 0; i < versions!.Count; i++)
            {
                if (versions[i] is not JsonObject v) continue;
                var version = Json.String(v, "name") ?? "";
                var rawSchema = v["schema"]?["openAPIV3Schema"] as JsonObject;
                StructuralSchema? schema = null;
                try
                {
                    if (rawSchema is not null) schema = StructuralSchema.Parse(rawSchema);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors.Add(("FieldValueInvalid", $"spec.versions[{i}].schema.openAPIV3Schema", $"Invalid value: \"\": {e.Message}"));
                }
                if (rawSchema is null)
                    errors.Add(("FieldValueRequired", $"spec.versions[{i}].schema.openAPIV3Schema", "Required value: schemas are required"));
                if (v["served"]?.GetValue<bool>() != true) continue;
                var sub = v["subresources"] as JsonObject;
                var scale = sub?["scale"] as JsonObject;
                types.Add(new ResourceType(group, version, kind, plural, Json.String(names, "singular")!, scope == "Namespaced")
                {
                    ShortNames = names["shortNames"] is JsonArray sn ? [.. sn.Select(s => s!.ToString())] : [],
                    Categories = names["categories"] is JsonArray cat ? [.. cat.Select(s => s!.ToString())] : [],
                    HasStatus = sub?["status"] is not null,
                    Scale = scale is null ? null : new ScaleSpec(Json.String(scale, "specReplicasPath") ?? ".spec.replicas", Json.String(scale, "statusReplicasPath") ?? ".status.replicas", Json.String(scale, "labelSelectorPath")),
                    IsCustom = true,
                    TracksGeneration = true,
                    CrdName = name,
                    Schema = schema,
                    RawSchema = rawSchema,
                    Columns = TableConverter.ColumnsFromCrdVersion(v),
                });
            }
        }
        if (errors.Count > 0) throw ApiError.Invalid(t, name, errors);

        // status: the names controller and establishing controller, collapsed into the write.
        var storage = versions!.First(v => v?["storage"]?.GetValue<bool>() == true)!["name"]!.ToString();
        var status = new JsonObject { ["acceptedNames"] = names!.DeepClone() };
        var oldStatus = old?["status"] as JsonObject;
        var ts = Json.String(oldStatus?["conditions"]?[0], "lastTransitionTime") ?? Json.Rfc3339(now);
        status["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = ts },
            new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = ts });
        var stored = new List<string>();
        if (oldStatus?["storedVersions"] is JsonArray sv) stored.AddRange(sv.Select(s => s!.ToString()));
        if (!stored.Contains(storage)) stored.Add(storage);
        status["storedVersions"] = new JsonArray([.. stored.Select(s => (JsonNode)JsonValue.Create(s)!)]);
        crd["status"] = status;
        return types;
    }
}
