using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>
/// fieldSelector (=, ==, !=): metadata.name and metadata.namespace everywhere, plus the few fields kube indexes
/// for Events, Pods and Secrets (kubectl describe lists events by involvedObject.*). Anything else is a 400,
/// which is what custom resources get for spec fields.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly Dictionary<string, HashSet<string>> ExtraFields = new()
    {
        ["Event"] =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
            "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
            "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reportingController",
        ],
        ["Pod"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["Secret"] = ["type"],
        ["Namespace"] = ["status.phase"],
    };

    private readonly List<(string Field, bool Equal, string Value)> _terms;
    private readonly bool _needsObject;

    private FieldSelector(List<(string, bool, string)> terms)
    {
        _terms = terms;
        _needsObject = terms.Any(t => t.Item1 is not ("metadata.name" or "metadata.namespace"));
    }

    public static readonly FieldSelector Everything = new([]);

    public bool IsEmpty => _terms.Count == 0;

    public bool Matches(StoredObject o)
    {
        if (_terms.Count == 0) return true;
        var node = _needsObject ? o.ToNode() : null;
        foreach (var (field, equal, value) in _terms)
        {
            var actual = field switch
            {
                "metadata.name" => o.Name,
                "metadata.namespace" => o.Namespace,
                // Events are stored in core/v1 shape; events.k8s.io names map onto it.
                _ => Json.At(node, Json.SplitPath(field.Replace("regarding.", "involvedObject.").Replace("reportingController", "reportingComponent")))?.ToString() ?? "",
            };
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    public static FieldSelector Parse(string? text, string kind)
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
            var known = field is "metadata.name" or "metadata.namespace" || (ExtraFields.TryGetValue(kind, out var extra) && extra.Contains(field));
            if (!known)
                throw ApiError.BadRequest($"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
            terms.Add((field, equal, value.Trim()));
        }
        return new FieldSelector(terms);
    }
}
