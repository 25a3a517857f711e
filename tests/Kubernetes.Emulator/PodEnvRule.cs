namespace MlOperator.Kubernetes.Emulator;

/// <summary>Extra environment for real pod processes whose labels match <paramref name="LabelSelector"/> (kube syntax, e.g. <c>app.kubernetes.io/version=2</c>).</summary>
public sealed record PodEnvRule(string LabelSelector, IReadOnlyDictionary<string, string> Env);
