namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>A CRD additionalPrinterColumns entry (type: integer|number|string|boolean|date).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Format = null, string? Description = null, int Priority = 0);
