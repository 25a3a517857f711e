namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>Why pods of the stable and of the incoming revision fail, as <see cref="Resources.PodFailures"/> words it (null: none failing).</summary>
public sealed record RevisionHealth(string? Stable, string? Incoming);
