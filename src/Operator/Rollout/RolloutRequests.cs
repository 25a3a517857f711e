using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Rollout;

/// <summary>
/// What the action annotations ask of this pass. promote, abort and retry carry a token: a value other than the
/// one recorded in status.handledActions acts once. pause is a level: "true" holds the canary at its step, removing
/// it (or "false") resumes. The operator only reads these; it never writes the ModelDeployment's metadata or spec,
/// so a GitOps tool sees no drift.
/// </summary>
/// <param name="Promote">A new promote token, or null.</param>
/// <param name="Abort">A new abort token, or null.</param>
/// <param name="Retry">A new retry token, or null.</param>
/// <param name="Paused">The pause annotation is "true".</param>
/// <param name="Ignored">Annotation values that mean nothing (an Event says so).</param>
public sealed record RolloutRequests(string? Promote, string? Abort, string? Retry, bool Paused, IReadOnlyList<string> Ignored)
{
    public const string PromoteAnnotation = "serving.mloperator.io/promote";
    public const string AbortAnnotation = "serving.mloperator.io/abort";
    public const string RetryAnnotation = "serving.mloperator.io/retry";
    public const string PauseAnnotation = "serving.mloperator.io/pause";

    public static readonly RolloutRequests None = new(null, null, null, false, []);

    public static RolloutRequests From(ModelDeployment md)
    {
        var annotations = md.Metadata.Annotations;
        if (annotations is null || annotations.Count == 0)
        {
            return None;
        }

        var handled = md.Status?.HandledActions;
        var ignored = new List<string>();
        var paused = false;
        if (annotations.TryGetValue(PauseAnnotation, out var pause))
        {
            if (string.Equals(pause, "true", StringComparison.OrdinalIgnoreCase))
            {
                paused = true;
            }
            else if (!string.Equals(pause, "false", StringComparison.OrdinalIgnoreCase) && pause.Length > 0)
            {
                ignored.Add($"{PauseAnnotation}=\"{pause}\" is neither \"true\" nor \"false\"; ignored");
            }
        }

        return new RolloutRequests(
            Token(annotations, PromoteAnnotation, handled?.Promote, ignored),
            Token(annotations, AbortAnnotation, handled?.Abort, ignored),
            Token(annotations, RetryAnnotation, handled?.Retry, ignored),
            paused,
            ignored);
    }

    /// <summary>The tokens after this pass: every token present is recorded, acted on or not (a token set while there was nothing to act on must not act on a later canary).</summary>
    public static RolloutActionTokens Handled(ModelDeployment md)
    {
        var annotations = md.Metadata.Annotations ?? new Dictionary<string, string>();
        var handled = md.Status?.HandledActions;
        return new RolloutActionTokens
        {
            Promote = annotations.TryGetValue(PromoteAnnotation, out var p) && p.Length > 0 ? p : handled?.Promote,
            Abort = annotations.TryGetValue(AbortAnnotation, out var a) && a.Length > 0 ? a : handled?.Abort,
            Retry = annotations.TryGetValue(RetryAnnotation, out var r) && r.Length > 0 ? r : handled?.Retry,
        };
    }

    private static string? Token(IDictionary<string, string> annotations, string key, string? handled, List<string> ignored)
    {
        if (!annotations.TryGetValue(key, out var value))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            ignored.Add($"{key} has an empty value; set a new token to act, e.g. $(date +%s)");
            return null;
        }

        return value == handled ? null : value;
    }
}
