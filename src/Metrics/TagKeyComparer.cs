namespace MlOperator.Metrics;

internal sealed class TagKeyComparer
    : IEqualityComparer<TagKey>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagKey>
{
    public static TagKeyComparer Instance { get; } = new();

    public bool Equals(TagKey? x, TagKey? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && TagKey.SetEquals(x.Tags, y.Tags));

    public int GetHashCode(TagKey obj) => TagKey.Hash(obj.Tags);

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagKey other) =>
        TagKey.SetEquals(alternate, other.Tags);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => TagKey.Hash(alternate);

    public TagKey Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray());
}
