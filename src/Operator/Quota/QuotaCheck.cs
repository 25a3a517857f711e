namespace MlOperator.Operator.Quota;

/// <summary>
/// The verdict of <see cref="QuotaPlanner"/>: every key that does not fit, quotas skipped with the
/// reason, and warnings about fields the API server will require.
/// </summary>
public sealed record QuotaCheck(IReadOnlyList<QuotaShortfall> Shortfalls, IReadOnlyList<string> Skipped, IReadOnlyList<string> Warnings)
{
    public static QuotaCheck Fitting { get; } = new([], [], []);

    public bool Fits => Shortfalls.Count == 0;

    /// <summary>One line for the QuotaExceeded condition and the Warning Event.</summary>
    public string Message => Fits ? "fits within quota" : string.Join("; ", Shortfalls.Select(s => s.Message));
}
