namespace MlOperator.Operator.Api.V1Alpha1;

public enum ModelUriKind
{
    /// <summary>pvc://claim/path: the claim is mounted read-only.</summary>
    Pvc,

    /// <summary>file:///path: the model is baked into the image.</summary>
    File,

    /// <summary>http(s)://… (Azure Blob https URLs included): the sidecar image's fetch init container downloads it.</summary>
    Http,

    /// <summary>s3://bucket/key: fetched with the AWS SDK (AWS_* variables, or IRSA through spec.serviceAccountName).</summary>
    S3,

    /// <summary>gs://bucket/object: fetched through Cloud Storage's S3-interoperable API (HMAC keys in the AWS_* variables).</summary>
    Gcs,

    /// <summary>az://container/blob: fetched with the Azure Blob SDK (AZURE_STORAGE_* variables).</summary>
    AzureBlob,

    /// <summary>hf://org/repo/path[@revision]: fetched from Hugging Face (HF_TOKEN for private repositories).</summary>
    HuggingFace,
}
