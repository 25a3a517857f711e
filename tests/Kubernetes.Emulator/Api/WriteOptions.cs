namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Per-request write parameters. Internal writes (simulated controllers) may set status on create.</summary>
internal sealed record WriteOptions(string? FieldManager = null, string FieldValidation = "Warn", bool DryRun = false, bool Force = false, bool Internal = false);
