using System.Globalization;
using k8s.Models;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// Every condition type, reason and message of a ModelDeployment, in one place.
/// kstatus reads these as: Ready=True with observedGeneration == generation → Current;
/// Progressing=True (reason Reconciling…) → InProgress ("Reconciling"); Degraded=True or Ready=False with
/// reason InvalidSpec → Failed ("Stalled": nothing will change until the spec does). kstatus reads Reconciling=True
/// (a canary in progress, pods coming up) and Stalled=True (invalid spec, a rollback) directly.
/// </summary>
public static class ModelDeploymentConditions
{
    // Types
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";
    public const string QuotaExceeded = "QuotaExceeded";
    public const string ModelVerified = "ModelVerified";

    /// <summary>kstatus "Stalled": nothing will change until a human changes the spec (a rolled-back revision).</summary>
    public const string Stalled = "Stalled";

    /// <summary>kstatus "Reconciling": the operator is still working towards the spec (pods coming up, a canary in progress).</summary>
    public const string Reconciling = "Reconciling";

    public static IReadOnlyList<string> AllTypes { get; } = [Ready, Progressing, Degraded, QuotaExceeded, ModelVerified, Reconciling, Stalled];

    // Status values
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    // Reasons (CamelCase, as metav1.Condition requires)
    public const string ReasonAvailable = "AllReplicasAvailable";
    public const string ReasonReplicasNotReady = "ReplicasNotReady";
    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonReconciling = "Reconciling";
    public const string ReasonNewRevision = "NewRevision";
    public const string ReasonCanaryStep = "CanaryStep";
    public const string ReasonPromoted = "Promoted";
    public const string ReasonRolloutComplete = "RolloutComplete";
    public const string ReasonAnalysisFailed = "AnalysisFailed";
    public const string ReasonRolledBack = "RolledBack";
    public const string ReasonAborted = "Aborted";
    public const string ReasonRetry = "RetryRequested";
    public const string ReasonPromoteRequested = "PromoteRequested";
    public const string ReasonAbortRequested = "AbortRequested";
    public const string ReasonIgnoredAnnotation = "IgnoredAnnotation";
    public const string ReasonCanaryInProgress = "CanaryInProgress";
    public const string ReasonPodsNotReady = "PodsNotReady";
    public const string ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string ReasonAsExpected = "AsExpected";
    public const string ReasonInsufficientQuota = "InsufficientQuota";
    public const string ReasonQuotaAvailable = "QuotaAvailable";
    public const string ReasonNoSurgePlan = "NoSurgePlan";
    public const string ReasonChecksumMatched = "ChecksumMatched";
    public const string ReasonChecksumMismatch = "ChecksumMismatch";
    public const string ReasonNoChecksum = "NoChecksum";
    public const string ReasonVerificationPending = "VerificationPending";

    // Message templates
    public static string InvalidSpecMessage(IReadOnlyList<ValidationViolation> violations) =>
        violations.Count == 1
            ? $"invalid spec: {violations[0].Message}"
            : $"invalid spec ({violations.Count} problems): " + string.Join("; ", violations.Select(v => v.Message));

    public static string AvailableMessage(int ready) =>
        string.Create(CultureInfo.InvariantCulture, $"{ready} of {ready} replicas ready");

    public static string ReplicasNotReadyMessage(int ready, int desired) =>
        string.Create(CultureInfo.InvariantCulture, $"{ready} of {desired} replicas ready");

    public static string ReconcilingMessage(long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"applying generation {generation}");

    public static string NewRevisionMessage(string revision, string version) => $"revision {revision} (model version {version}) created";

    public static string NewRevisionProgressingMessage(string version, string revision, int ready, int wanted, string? stableVersion) =>
        string.Create(CultureInfo.InvariantCulture,
            $"model version {version} (revision {revision}) coming up: {ready} of {wanted} replicas available; version {stableVersion} keeps serving until then");

    public static string CanaryStepMessage(string version, int step, int weight) =>
        string.Create(CultureInfo.InvariantCulture, $"canary {version} at step {step}, weight {weight}%");

    public static string PromotedMessage(string version) => $"model version {version} promoted to stable";

    public static string RolloutCompleteMessage(string version) => $"model version {version} serves all traffic";

    public static string AnalysisFailedMessage(string version, string metric, double value, double limit) =>
        string.Create(CultureInfo.InvariantCulture, $"canary {version}: {metric} {value:0.####} exceeds limit {limit:0.####}");

    public static string RolledBackMessage(string canaryVersion, string stableVersion, string why) =>
        $"canary {canaryVersion} rolled back to {stableVersion}: {why}";

    public static string AbortedMessage(string canaryVersion) => $"canary {canaryVersion} aborted by annotation";

    public static string ProgressDeadlineExceededMessage(string version, string revision, int available, int wanted, TimeSpan deadline, string? stableVersion) =>
        string.Create(CultureInfo.InvariantCulture,
            $"model version {version} (revision {revision}) had {available} of {wanted} pods available after {Human(deadline)}; version {stableVersion} keeps serving");

    /// <summary>"10m", "1h", "90s": the unit a user would have written.</summary>
    private static string Human(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerHour == 0 && duration > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}h")
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 && duration > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes}m")
        : DurationValue.Format(duration);

    public static string InsufficientQuotaMessage(IEnumerable<string> shortfalls) => "insufficient quota: " + string.Join("; ", shortfalls);

    public static string ChecksumMismatchMessage(string expected) => $"model file does not match sha256 {expected}";

    /// <summary>
    /// A condition for generation <paramref name="generation"/>. lastTransitionTime moves only when the status
    /// flips, so an unchanged condition produces no status write.
    /// </summary>
    public static V1Condition Create(
        IReadOnlyList<V1Condition>? existing, string type, string status, string reason, string message, long? generation, DateTimeOffset now)
    {
        var previous = existing?.FirstOrDefault(c => c.Type == type);
        var transition = previous is not null && previous.Status == status ? previous.LastTransitionTime : now.UtcDateTime;
        return new V1Condition
        {
            Type = type,
            Status = status,
            ObservedGeneration = generation,
            LastTransitionTime = transition,
            Reason = reason,
            Message = message,
        };
    }
}
