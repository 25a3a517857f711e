using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Patching;
using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>One served group/version/resource and the rules the API layer applies to it.</summary>
internal sealed record ResourceType(string Group, string Version, string Kind, string Plural, string Singular, bool Namespaced)
{
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    public bool HasStatus { get; init; }
    public ScaleSpec? Scale { get; init; }
    public bool IsCustom { get; init; }
    public bool TracksGeneration { get; init; }
    public string? CrdName { get; init; }
    public StructuralSchema? Schema { get; init; }
    public JsonObject? RawSchema { get; init; }
    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];
    public string? StorageKeyOverride { get; init; }

    public string StorageKey => StorageKeyOverride ?? Group + "/" + Plural;
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string GroupVersion => ApiVersion;
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    public string ListKind => Kind + "List";

    public string[] Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    private MergeKeys? _mergeKeys;

    public MergeKeys MergeKeys => _mergeKeys ??= IsCustom && RawSchema is not null ? MergeKeys.FromSchema(RawSchema) : MergeKeys.ForBuiltIn(Group, Kind);

    public string PathPrefix => Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}";
}
