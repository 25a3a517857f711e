namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>A parsed labelSelector query: =, ==, !=, in, notin, key, !key (comma = AND).</summary>
internal sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, NotExists }

    private sealed record Requirement(string Key, Op Op, HashSet<string> Values);

    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static readonly LabelSelector Everything = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Op switch
            {
                Op.Equals or Op.In => has && r.Values.Contains(value!),
                Op.NotEquals or Op.NotIn => !has || !r.Values.Contains(value!),
                Op.Exists => has,
                _ => !has,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Parses the query text; throws ApiError 400 on a malformed selector.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var requirements = new List<Requirement>();
        foreach (var term in SplitTerms(text))
        {
            var t = term.Trim();
            if (t.Length == 0) throw Bad(text);
            Requirement r;
            if (t.StartsWith('!')) r = new Requirement(Key(t[1..], text), Op.NotExists, []);
            else if (IndexOfWord(t, " notin ") is var ni and >= 0) r = new Requirement(Key(t[..ni], text), Op.NotIn, SetOf(t[(ni + 7)..], text));
            else if (IndexOfWord(t, " in ") is var ii and >= 0) r = new Requirement(Key(t[..ii], text), Op.In, SetOf(t[(ii + 4)..], text));
            else if (t.Contains("!=", StringComparison.Ordinal)) { var i = t.IndexOf("!=", StringComparison.Ordinal); r = new Requirement(Key(t[..i], text), Op.NotEquals, [Value(t[(i + 2)..], text)]); }
            else if (t.Contains("==", StringComparison.Ordinal)) { var i = t.IndexOf("==", StringComparison.Ordinal); r = new Requirement(Key(t[..i], text), Op.Equals, [Value(t[(i + 2)..], text)]); }
            else if (t.Contains('=')) { var i = t.IndexOf('='); r = new Requirement(Key(t[..i], text), Op.Equals, [Value(t[(i + 1)..], text)]); }
            else r = new Requirement(Key(t, text), Op.Exists, []);
            requirements.Add(r);
        }
        return new LabelSelector(requirements);
    }

    /// <summary>Builds a selector from a matchLabels map (used by the simulated controllers and /scale).</summary>
    public static string FromMatchLabels(IEnumerable<KeyValuePair<string, string>> labels) => string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));

    private static int IndexOfWord(string t, string word) => t.IndexOf(word, StringComparison.Ordinal);

    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static string Key(string key, string text)
    {
        key = key.Trim();
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!' or ',')) throw Bad(text);
        return key;
    }

    private static string Value(string value, string text)
    {
        value = value.Trim();
        if (value.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!')) throw Bad(text);
        return value;
    }

    private static HashSet<string> SetOf(string part, string text)
    {
        part = part.Trim();
        if (!part.StartsWith('(') || !part.EndsWith(')')) throw Bad(text);
        return [.. part[1..^1].Split(',').Select(v => Value(v, text))];
    }

    private static ApiError Bad(string text) => ApiError.BadRequest($"unable to parse requirement: invalid label selector: \"{text}\"");
}
