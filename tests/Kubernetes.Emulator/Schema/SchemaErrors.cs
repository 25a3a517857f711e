namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>Formats field errors the way apimachinery's errors.NewInvalid does.</summary>
public static class SchemaErrors
{
    /// <summary>
    /// The 422 Status message: <c>Kind.group "name" is invalid: field: body</c>, or with several distinct
    /// errors <c>[a: x, b: y]</c> (duplicates collapse, as utilerrors.Aggregate does). An empty group gives
    /// just the Kind, as GroupKind.String() does for the core group.
    /// </summary>
    public static string InvalidMessage(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var qualified = string.IsNullOrEmpty(group) ? kind : $"{kind}.{group}";
        var head = $"{qualified} {GoText.Quote(name)} is invalid";
        var distinct = new List<string>();
        foreach (var error in errors)
        {
            var text = error.ToString();
            if (!distinct.Contains(text, StringComparer.Ordinal))
            {
                distinct.Add(text);
            }
        }

        return distinct.Count switch
        {
            0 => head,
            1 => $"{head}: {distinct[0]}",
            _ => $"{head}: [{string.Join(", ", distinct)}]",
        };
    }
}
