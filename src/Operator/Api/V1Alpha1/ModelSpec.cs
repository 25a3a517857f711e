using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The ONNX model: what it is called, which version, where it lives and its checksum.</summary>
public sealed class ModelSpec
{
    /// <summary>Name served on /v2/models/{name}; letters, digits, '-', '_' and '.', at most 63 characters.</summary>
    [Required, MaxLength(63), Pattern(NamePattern)]
    public string Name { get; set; } = "";

    /// <summary>Model version, shown in status and on the pods' app.kubernetes.io/version label.</summary>
    [Required, MaxLength(63), Pattern(NamePattern)]
    public string Version { get; set; } = "";

    /// <summary>
    /// Where the model file lives: pvc://claim/path/in/claim (mounted read-only), file:///path/in/image,
    /// or http(s)://host/path (downloaded by an init container).
    /// </summary>
    [Required, MaxLength(2048), Pattern(UriPattern)]
    public string Uri { get; set; } = "";

    /// <summary>Lower-case or upper-case hex SHA-256 of the model file; the pod refuses a file that does not match.</summary>
    [Pattern(Sha256Pattern)]
    public string? Sha256 { get; set; }

    /// <summary>Also a valid label value, which is where the version ends up.</summary>
    public const string NamePattern = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";
    public const string UriPattern = "^(pvc://[a-z0-9]([-.a-z0-9]*[a-z0-9])?/[^/].*|file:///.+|https?://[^/]+.*)$";
    public const string Sha256Pattern = "^[A-Fa-f0-9]{64}$";
}
