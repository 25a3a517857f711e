namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>fieldSelector on metadata.name / metadata.namespace (=, ==, !=); anything else is a 400 as for custom resources.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string, bool, string)> terms) => _terms = terms;

    public static readonly FieldSelector Everything = new([]);

    public bool IsEmpty => _terms.Count == 0;

    /// <summary>A single metadata.name= term, which lets list/watch skip a scan.</summary>
    public string? ExactName => _terms is [("metadata.name", true, var v)] ? v : null;

    public bool Matches(string ns, string name)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = field == "metadata.name" ? name : ns;
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    public static FieldSelector Parse(string? text, string kindForMessage)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var t = raw.Trim();
            string field, value;
            bool equal;
            if (t.Contains("!=", StringComparison.Ordinal)) { var i = t.IndexOf("!=", StringComparison.Ordinal); field = t[..i]; value = t[(i + 2)..]; equal = false; }
            else if (t.Contains("==", StringComparison.Ordinal)) { var i = t.IndexOf("==", StringComparison.Ordinal); field = t[..i]; value = t[(i + 2)..]; equal = true; }
            else if (t.Contains('=')) { var i = t.IndexOf('='); field = t[..i]; value = t[(i + 1)..]; equal = true; }
            else throw ApiError.BadRequest($"invalid selector: '{text}'; can't understand '{t}'");
            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace"))
                throw ApiError.BadRequest($"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
            terms.Add((field, equal, value.Trim()));
        }
        return new FieldSelector(terms);
    }
}
