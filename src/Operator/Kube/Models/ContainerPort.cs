using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

public sealed class ContainerPort
{
    public string? Name { get; set; }

    /// <summary>C# forbids a member named like its type; on the wire this is containerPort.</summary>
    [JsonPropertyName("containerPort")]
    public int Number { get; set; }

    public string? Protocol { get; set; }
}
