namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// Server-side apply refused because other managers own fields whose values would change.
/// The message is kube-apiserver's: <c>Apply failed with 1 conflict: conflict with "mgr": .spec.replicas</c>.
/// </summary>
public sealed class ApplyConflictException(IReadOnlyList<ApplyConflict> conflicts) : Exception(Format(conflicts))
{
    public IReadOnlyList<ApplyConflict> Conflicts { get; } = conflicts;

    private static string Format(IReadOnlyList<ApplyConflict> conflicts)
    {
        if (conflicts.Count == 1)
        {
            return $"Apply failed with 1 conflict: conflict with {conflicts[0].DescribeManager()}: {conflicts[0].Field}";
        }

        var lines = conflicts
            .GroupBy(c => c.DescribeManager())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Select(c => $"- {c.Field}").Prepend($"conflicts with {g.Key}:"));
        return $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }
}
