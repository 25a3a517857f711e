using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>
/// An immutable committed object. The JSON text is the source of truth (parsed on demand), so concurrent
/// watchers can read it without sharing mutable JsonNode trees.
/// </summary>
internal sealed record StoredObject(
    string Namespace,
    string Name,
    string Uid,
    long ResourceVersion,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> OwnerUids,
    bool Deleting,
    string Json,
    string ApiVersion)
{
    public string Key => Namespace.Length == 0 ? Name : Namespace + "/" + Name;

    /// <summary>Parsed read-only views, one per stored version, by reference: a record's value equality stays as it is.</summary>
    private static readonly ConditionalWeakTable<StoredObject, JsonDocument> Documents = new();

    /// <summary>A mutable copy to build the next version from.</summary>
    public JsonObject ToNode() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>
    /// A read-only view of the object, parsed once per stored version and shared (a JsonElement is immutable and safe
    /// across threads): the simulated controllers read a few fields of the same objects on every pass.
    /// </summary>
    public JsonElement Root => Documents.GetValue(this, static o => JsonDocument.Parse(o.Json)).RootElement;

    public static StoredObject From(JsonObject canonical, string json)
    {
        var meta = canonical["metadata"] as JsonObject;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (meta?["labels"] is JsonObject l)
            foreach (var (k, v) in l) labels[k] = v?.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v?.ToJsonString() ?? "";
        var owners = new List<string>();
        if (meta?["ownerReferences"] is JsonArray refs)
            foreach (var r in refs) if (Store.Json.String(r, "uid") is { } u) owners.Add(u);
        return new StoredObject(
            Store.Json.String(meta, "namespace") ?? "",
            Store.Json.String(meta, "name") ?? "",
            Store.Json.String(meta, "uid") ?? "",
            long.TryParse(Store.Json.String(meta, "resourceVersion"), out var rv) ? rv : 0,
            labels,
            owners,
            meta?["deletionTimestamp"] is not null,
            json,
            Store.Json.String(canonical, "apiVersion") ?? "");
    }
}
