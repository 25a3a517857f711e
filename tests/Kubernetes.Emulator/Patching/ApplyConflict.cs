namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// One field that an apply would take from another manager. <see cref="Field"/> is kube's path syntax,
/// e.g. <c>.spec.replicas</c> or <c>.spec.template.spec.containers[name="app"].image</c>.
/// </summary>
public sealed record ApplyConflict(string Manager, string Field)
{
    /// <summary>"Apply" or "Update": the operation of the managedFields entry that owns the field.</summary>
    public string Operation { get; init; } = "Apply";

    public string? Subresource { get; init; }

    public string? ApiVersion { get; init; }

    /// <summary>The manager the way kube-apiserver prints it: <c>"mgr"</c>, or <c>"mgr" using apps/v1</c> for an Update entry.</summary>
    public string DescribeManager()
    {
        var text = $"\"{Manager}\"";
        if (!string.IsNullOrEmpty(Subresource))
        {
            text += $" with subresource \"{Subresource}\"";
        }

        return Operation == "Update" ? $"{text} using {ApiVersion}" : text;
    }
}
