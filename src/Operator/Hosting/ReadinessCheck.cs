namespace MlOperator.Operator.Hosting;

/// <summary>One condition /readyz requires, e.g. ("caches", () => manager.CachesSynced). Register as a singleton.</summary>
public sealed record ReadinessCheck(string Name, Func<bool> IsReady);
