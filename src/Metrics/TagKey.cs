namespace MlOperator.Metrics;

/// <summary>
/// A measurement's tag set, compared without regard to order. The comparer also matches a live
/// <c>ReadOnlySpan</c> of tags, so the hot path finds an existing series without allocating.
/// </summary>
internal sealed class TagKey(KeyValuePair<string, object?>[] tags)
{
    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A sum is order-independent, so {a,b} and {b,a} land on the same series.
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash = unchecked(hash + HashCode.Combine(tag.Key, tag.Value));
        }

        return hash;
    }

    public static bool SetEquals(ReadOnlySpan<KeyValuePair<string, object?>> left, ReadOnlySpan<KeyValuePair<string, object?>> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            // Same order is the common case (same call site); fall back to a search otherwise.
            if (string.Equals(left[i].Key, right[i].Key, StringComparison.Ordinal))
            {
                if (!Equals(left[i].Value, right[i].Value))
                {
                    return false;
                }

                continue;
            }

            var found = false;
            foreach (var candidate in right)
            {
                if (string.Equals(left[i].Key, candidate.Key, StringComparison.Ordinal))
                {
                    found = Equals(left[i].Value, candidate.Value);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
