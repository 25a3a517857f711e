using System.Text.RegularExpressions;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>
/// A parsed label selector (named apart from the metav1 <see cref="V1LabelSelector"/> model) in the apiserver's string syntax: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, joined by commas. Used to filter cache reads
/// and by test fakes; an empty selector matches everything.
/// </summary>
public sealed partial class LabelSelectorExpression
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelectorExpression(string text, IReadOnlyList<Requirement> requirements)
    {
        Text = text;
        _requirements = requirements;
    }

    public static LabelSelectorExpression Everything { get; } = new("", []);

    public string Text { get; }

    public bool IsEmpty => _requirements.Count == 0;

    /// <exception cref="FormatException">The text is not a valid selector.</exception>
    public static LabelSelectorExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelectorExpression(text, requirements);
    }

    /// <summary>
    /// The string form of a metav1.LabelSelector (matchLabels and matchExpressions), for list/watch and cache
    /// reads. Null or empty selects everything, as for a Deployment or Service selector.
    /// </summary>
    public static string ToText(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return "";
        }

        var parts = new List<string>();
        if (selector.MatchLabels is { Count: > 0 } labels)
        {
            parts.Add(FromLabels(labels));
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", (e.Values ?? []).Order(StringComparer.Ordinal));
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({values})",
                "NotIn" => $"{e.Key} notin ({values})",
                "Exists" => e.Key,
                "DoesNotExist" => $"!{e.Key}",
                _ => throw new FormatException($"unknown label selector operator \"{e.OperatorProperty}\""),
            });
        }

        return string.Join(",", parts);
    }

    /// <summary>Selector text matching exactly these labels (equality requirements).</summary>
    public static string FromLabels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var requirement in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(requirement.Key, out value);
            var ok = requirement.Op switch
            {
                Op.Exists => has,
                Op.NotExists => !has,
                Op.In => has && requirement.Values.Contains(value!),
                // Like the apiserver: "!=" and "notin" also match objects without the label.
                Op.NotIn => !has || !requirement.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string text)
    {
        if (part.Length == 0)
        {
            throw new FormatException($"invalid label selector \"{text}\": empty requirement");
        }

        var set = SetRegex().Match(part);
        if (set.Success)
        {
            var values = set.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return new Requirement(ValidKey(set.Groups[1].Value, text), set.Groups[2].Value == "in" ? Op.In : Op.NotIn, values);
        }

        if (part.StartsWith('!'))
        {
            return new Requirement(ValidKey(part[1..].Trim(), text), Op.NotExists, []);
        }

        var notEquals = part.IndexOf("!=", StringComparison.Ordinal);
        if (notEquals > 0)
        {
            return new Requirement(ValidKey(part[..notEquals].Trim(), text), Op.NotIn, [part[(notEquals + 2)..].Trim()]);
        }

        var equals = part.IndexOf('=');
        if (equals > 0)
        {
            var valueStart = part.Length > equals + 1 && part[equals + 1] == '=' ? equals + 2 : equals + 1;
            return new Requirement(ValidKey(part[..equals].Trim(), text), Op.In, [part[valueStart..].Trim()]);
        }

        return new Requirement(ValidKey(part, text), Op.Exists, []);
    }

    private static string ValidKey(string key, string text) =>
        KeyRegex().IsMatch(key) ? key : throw new FormatException($"invalid label selector \"{text}\": bad key \"{key}\"");

    [GeneratedRegex(@"^(\S+)\s+(in|notin)\s*\((.*)\)$")]
    private static partial Regex SetRegex();

    [GeneratedRegex(@"^([A-Za-z0-9.\-]+/)?[A-Za-z0-9]([A-Za-z0-9_.\-]*[A-Za-z0-9])?$")]
    private static partial Regex KeyRegex();

    private enum Op
    {
        Exists,
        NotExists,
        In,
        NotIn,
    }

    private sealed record Requirement(string Key, Op Op, HashSet<string> Values);
}
