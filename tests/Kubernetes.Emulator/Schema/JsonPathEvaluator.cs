using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// The subset of client-go's JSONPath that printer columns use, with missing keys allowed (as the CRD table
/// convertor sets): <c>.a.b</c>, <c>['a.b']</c>, <c>a\.b</c>, <c>[n]</c> (negative from the end),
/// <c>[a:b]</c>, <c>[*]</c>, <c>.*</c>, <c>..name</c>, filters <c>[?(@.type=="Ready")]</c> with == != &lt; &gt;
/// &lt;= &gt;= or bare existence, and an optional <c>{…}</c> wrapper.
/// </summary>
public static class JsonPathEvaluator
{
    /// <summary>
    /// The first result (as the CRD table convertor uses only results[0][0]), deep-copied so the caller may
    /// attach it elsewhere; null when nothing matches or the match is JSON null. Never throws for a bad path.
    /// </summary>
    public static JsonNode? Evaluate(JsonNode obj, string jsonPath)
    {
        var results = EvaluateAll(obj, jsonPath);
        return results.Count == 0 ? null : results[0]?.DeepClone();
    }

    /// <summary>All results in document order (not copied); empty for no match or an unparsable path.</summary>
    public static IReadOnlyList<JsonNode?> EvaluateAll(JsonNode obj, string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        List<Step> steps;
        try
        {
            steps = Parse(Unwrap(jsonPath));
        }
        catch (FormatException)
        {
            return [];
        }

        IReadOnlyList<JsonNode?> current = [obj];
        foreach (var step in steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                step.Apply(node, next);
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        return current;
    }

    private static string Unwrap(string path)
    {
        var trimmed = path.Trim();
        if (trimmed.StartsWith('{') && trimmed.EndsWith('}'))
        {
            trimmed = trimmed[1..^1].Trim();
        }

        if (trimmed.StartsWith('$'))
        {
            trimmed = trimmed[1..];
        }

        return trimmed;
    }

    private static List<Step> Parse(string path)
    {
        var steps = new List<Step>();
        var i = 0;
        var first = true;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                if (i + 1 < path.Length && path[i + 1] == '.')
                {
                    steps.Add(new Descend());
                    i += 2;
                    if (i < path.Length && path[i] == '[')
                    {
                        continue;
                    }
                }
                else
                {
                    i++;
                }

                if (i >= path.Length)
                {
                    // A lone "." is the whole object (kubectl's {.}).
                    break;
                }

                if (path[i] == '*')
                {
                    steps.Add(new Wildcard());
                    i++;
                    continue;
                }

                steps.Add(new Field([ReadName(path, ref i)]));
            }
            else if (c == '[')
            {
                var end = FindClosingBracket(path, i);
                steps.Add(ParseBracket(path[(i + 1)..end].Trim()));
                i = end + 1;
            }
            else if (first && !char.IsWhiteSpace(c))
            {
                // Tolerate a missing leading dot ("spec.replicas").
                steps.Add(new Field([ReadName(path, ref i)]));
            }
            else
            {
                throw new FormatException($"unexpected character '{c}' at {i}");
            }

            first = false;
        }

        return steps;
    }

    private static string ReadName(string path, ref int i)
    {
        var sb = new StringBuilder();
        while (i < path.Length && path[i] != '.' && path[i] != '[')
        {
            if (path[i] == '\\' && i + 1 < path.Length)
            {
                i++;
            }

            sb.Append(path[i]);
            i++;
        }

        if (sb.Length == 0)
        {
            throw new FormatException("empty field name");
        }

        return sb.ToString();
    }

    private static int FindClosingBracket(string path, int open)
    {
        char? quote = null;
        var depth = 0;
        for (var i = open; i < path.Length; i++)
        {
            var c = path[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[':
                    depth++;
                    break;
                case ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        throw new FormatException("unclosed [");
    }

    private static Step ParseBracket(string inner)
    {
        if (inner == "*")
        {
            return new Wildcard();
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            return ParseFilter(inner[2..^1].Trim());
        }

        if (inner.StartsWith('\'') || inner.StartsWith('"'))
        {
            var names = new List<string>();
            var i = 0;
            while (i < inner.Length)
            {
                names.Add(ReadQuoted(inner, ref i));
                while (i < inner.Length && (inner[i] == ',' || char.IsWhiteSpace(inner[i])))
                {
                    i++;
                }
            }

            return new Field(names);
        }

        if (inner.Contains(':', StringComparison.Ordinal))
        {
            var parts = inner.Split(':');
            return new Slice(ParseOptionalInt(parts[0]), parts.Length > 1 ? ParseOptionalInt(parts[1]) : null, parts.Length > 2 ? ParseOptionalInt(parts[2]) : null);
        }

        var indexes = inner.Split(',').Select(p => ParseOptionalInt(p) ?? throw new FormatException("empty index")).ToList();
        return new Index(indexes);
    }

    private static int? ParseOptionalInt(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"bad index {text}");
    }

    private static string ReadQuoted(string text, ref int i)
    {
        var quote = text[i];
        if (quote != '\'' && quote != '"')
        {
            throw new FormatException("expected a quoted name");
        }

        i++;
        var sb = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            sb.Append(text[i]);
            i++;
        }

        if (i >= text.Length)
        {
            throw new FormatException("unterminated string");
        }

        i++;
        return sb.ToString();
    }

    private static Filter ParseFilter(string expression)
    {
        string[] operators = ["==", "!=", "<=", ">=", "<", ">"];
        var i = 0;
        char? quote = null;
        for (; i < expression.Length; i++)
        {
            var c = expression[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                continue;
            }

            foreach (var op in operators)
            {
                if (string.CompareOrdinal(expression, i, op, 0, op.Length) == 0)
                {
                    var left = expression[..i].Trim();
                    var right = expression[(i + op.Length)..].Trim();
                    return new Filter(ParseOperand(left), op, ParseOperand(right));
                }
            }
        }

        return new Filter(ParseOperand(expression), null, null);
    }

    private static Operand ParseOperand(string text)
    {
        if (text.StartsWith('@'))
        {
            return new Operand(Parse(text[1..]), null);
        }

        if (text.StartsWith('\'') || text.StartsWith('"'))
        {
            var i = 0;
            return new Operand(null, JsonValue.Create(ReadQuoted(text, ref i)));
        }

        if (text is "true" or "false")
        {
            return new Operand(null, JsonValue.Create(text == "true"));
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new Operand(null, JsonValue.Create(number));
        }

        throw new FormatException($"unrecognized filter operand {text}");
    }

    private abstract class Step
    {
        public abstract void Apply(JsonNode? node, List<JsonNode?> results);
    }

    private sealed class Field(IReadOnlyList<string> names) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            if (node is not JsonObject obj)
            {
                return;
            }

            foreach (var name in names)
            {
                if (obj.TryGetPropertyValue(name, out var value))
                {
                    results.Add(value);
                }
            }
        }
    }

    private sealed class Wildcard : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            switch (node)
            {
                case JsonObject obj:
                    results.AddRange(obj.Select(p => p.Value));
                    break;
                case JsonArray array:
                    results.AddRange(array);
                    break;
            }
        }
    }

    private sealed class Index(IReadOnlyList<int> indexes) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            if (node is not JsonArray array)
            {
                return;
            }

            foreach (var index in indexes)
            {
                var i = index < 0 ? array.Count + index : index;
                if (i >= 0 && i < array.Count)
                {
                    results.Add(array[i]);
                }
            }
        }
    }

    private sealed class Slice(int? start, int? end, int? step) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            if (node is not JsonArray array || step is <= 0)
            {
                return;
            }

            var from = Clamp(start ?? 0, array.Count);
            var to = Clamp(end ?? array.Count, array.Count);
            for (var i = from; i < to; i += step ?? 1)
            {
                results.Add(array[i]);
            }
        }

        private static int Clamp(int value, int count) => Math.Clamp(value < 0 ? count + value : value, 0, count);
    }

    private sealed class Descend : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            results.Add(node);
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, value) in obj)
                    {
                        Apply(value, results);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Apply(item, results);
                    }

                    break;
            }
        }
    }

    private sealed record Operand(List<Step>? Path, JsonNode? Literal)
    {
        public bool TryResolve(JsonNode? item, out JsonNode? value)
        {
            if (Path is null)
            {
                value = Literal;
                return true;
            }

            IReadOnlyList<JsonNode?> current = [item];
            foreach (var step in Path)
            {
                var next = new List<JsonNode?>();
                foreach (var node in current)
                {
                    step.Apply(node, next);
                }

                current = next;
            }

            value = current.Count > 0 ? current[0] : null;
            return current.Count > 0;
        }
    }

    private sealed class Filter(Operand left, string? op, Operand? right) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> results)
        {
            IEnumerable<JsonNode?> candidates = node switch
            {
                JsonArray array => array,
                JsonObject obj => obj.Select(p => p.Value),
                _ => [],
            };

            foreach (var item in candidates)
            {
                if (Matches(item))
                {
                    results.Add(item);
                }
            }
        }

        private bool Matches(JsonNode? item)
        {
            if (!left.TryResolve(item, out var l))
            {
                return false;
            }

            if (op is null || right is null)
            {
                return true;
            }

            if (!right.TryResolve(item, out var r))
            {
                return false;
            }

            if (JsonNodes.TryGetDouble(l, out var ln) && JsonNodes.TryGetDouble(r, out var rn))
            {
                return Compare(ln.CompareTo(rn));
            }

            if (JsonNodes.TryGetString(l, out var ls) && JsonNodes.TryGetString(r, out var rs))
            {
                return Compare(string.CompareOrdinal(ls, rs));
            }

            var equal = JsonNodes.SemanticEquals(l, r);
            return op switch
            {
                "==" => equal,
                "!=" => !equal,
                _ => false,
            };
        }

        private bool Compare(int comparison) => op switch
        {
            "==" => comparison == 0,
            "!=" => comparison != 0,
            "<" => comparison < 0,
            ">" => comparison > 0,
            "<=" => comparison <= 0,
            ">=" => comparison >= 0,
            _ => false,
        };
    }
}
