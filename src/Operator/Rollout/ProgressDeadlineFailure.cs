namespace MlOperator.Operator.Rollout;

/// <summary>
/// The spec's revision missed spec.rollout.progressDeadline and is rolled back (or stays rolled back while the
/// spec still maps to it). <see cref="Available"/> and <see cref="Wanted"/> are null on the passes after the
/// rollback, when its Deployment is gone and the message already written stands.
/// </summary>
public sealed record ProgressDeadlineFailure(string Revision, string Version, TimeSpan Deadline, int? Available, int? Wanted);
