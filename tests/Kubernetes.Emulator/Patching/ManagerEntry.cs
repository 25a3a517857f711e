using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>One metadata.managedFields entry: who (manager, operation, subresource) owns which fields.</summary>
internal sealed class ManagerEntry(string manager, string operation, string? subresource)
{
    public string Manager { get; } = manager;

    public string Operation { get; } = operation;

    public string? Subresource { get; } = string.IsNullOrEmpty(subresource) ? null : subresource;

    public string? ApiVersion { get; set; }

    public string? Time { get; set; }

    public FieldSet Fields { get; set; } = new();

    public bool Is(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && Subresource == (string.IsNullOrEmpty(subresource) ? null : subresource);

    public static string FormatTime(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads the entries of an object; malformed entries (clients may send anything) are skipped.</summary>
    public static List<ManagerEntry> Read(JsonNode? managedFields)
    {
        var entries = new List<ManagerEntry>();
        if (managedFields is not JsonArray array)
        {
            return entries;
        }

        foreach (var item in array)
        {
            if (item is not JsonObject obj || JsonValues.AsString(obj["manager"]) is not { } manager)
            {
                continue;
            }

            var entry = new ManagerEntry(manager, JsonValues.AsString(obj["operation"]) ?? "Update", JsonValues.AsString(obj["subresource"]))
            {
                ApiVersion = JsonValues.AsString(obj["apiVersion"]),
                Time = JsonValues.AsString(obj["time"]),
                Fields = FieldSet.FromFieldsV1(obj["fieldsV1"] as JsonObject),
            };
            var same = entries.Find(e => e.Is(entry.Manager, entry.Operation, entry.Subresource));
            if (same is null)
            {
                entries.Add(entry);
            }
            else
            {
                same.Fields = same.Fields.Union(entry.Fields);
            }
        }

        return entries;
    }

    /// <summary>kube's order: Apply before Update, then oldest first, then manager, apiVersion, subresource. Empty entries are dropped.</summary>
    public static JsonArray Write(IEnumerable<ManagerEntry> entries) => new(entries
        .Where(e => !e.Fields.IsEmpty)
        .OrderBy(e => e.Operation, StringComparer.Ordinal)
        .ThenBy(e => e.Time ?? string.Empty, StringComparer.Ordinal)
        .ThenBy(e => e.Manager, StringComparer.Ordinal)
        .ThenBy(e => e.ApiVersion ?? string.Empty, StringComparer.Ordinal)
        .ThenBy(e => e.Subresource ?? string.Empty, StringComparer.Ordinal)
        .Select(e => (JsonNode)e.ToJson())
        .ToArray());

    private JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
        };
        if (ApiVersion is not null)
        {
            json["apiVersion"] = ApiVersion;
        }

        if (Time is not null)
        {
            json["time"] = Time;
        }

        json["fieldsType"] = "FieldsV1";
        json["fieldsV1"] = Fields.ToFieldsV1();
        if (Subresource is not null)
        {
            json["subresource"] = Subresource;
        }

        return json;
    }
}
