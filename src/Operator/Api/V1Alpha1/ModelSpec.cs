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
    /// Where the model file lives: pvc://claim/path/in/claim (mounted read-only), file:///path/in/image, or a
    /// location the sidecar image's fetch init container downloads from: http(s)://host/path (Azure Blob https URLs
    /// included), s3://bucket/key, gs://bucket/object, az://container/blob, hf://org/repo/path[@revision].
    /// Never put credentials in the URI: use credentialsSecret or serviceAccountName.
    /// </summary>
    [Required, MaxLength(2048), Pattern(UriPattern)]
    public string Uri { get; set; } = "";

    /// <summary>Lower-case or upper-case hex SHA-256 of the model file; the pod refuses a file that does not match.</summary>
    [Pattern(Sha256Pattern)]
    public string? Sha256 { get; set; }

    /// <summary>
    /// Name of a Secret in the ModelDeployment's namespace whose keys become environment variables of the model
    /// download init container only (never of the serving container). Keys are the SDKs' standard variables:
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL_S3 (s3://, and gs://
    /// with HMAC keys); AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or
    /// AZURE_STORAGE_SAS_TOKEN (az://, Azure Blob https URLs); HF_TOKEN, HF_ENDPOINT (hf://). Ignored for pvc:// and file://.
    /// </summary>
    [MaxLength(253), Pattern(SecretNamePattern)]
    public string? CredentialsSecret { get; set; }

    /// <summary>Also a valid label value, which is where the version ends up.</summary>
    public const string NamePattern = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";
    public const string UriPattern = "^(pvc://[a-z0-9]([-.a-z0-9]*[a-z0-9])?/[^/].*|file:///.+|https?://[^/@]+(/.*)?"
        + "|(s3|gs)://[a-z0-9][-._a-z0-9]*[a-z0-9]/.+|az://[a-z0-9][-a-z0-9]*[a-z0-9]/.+|hf://[^/@]+/[^/@]+/[^@]+(@[^@]+)?)$";

    /// <summary>A DNS-1123 subdomain, the form of Secret and ServiceAccount names.</summary>
    public const string SecretNamePattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public const string Sha256Pattern = "^[A-Fa-f0-9]{64}$";
}
