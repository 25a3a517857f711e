namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// A parsed spec.model.uri: a claim and a path inside it, a path inside the image, or a URL the sidecar image's
/// <c>fetch</c> subcommand downloads (http(s), s3, gs, az, hf). The C# twin of <see cref="ModelSpec.UriPattern"/>,
/// a little stricter where a pattern cannot say it.
/// </summary>
public sealed record ModelUri(ModelUriKind Kind, string? ClaimName, string Path, string? Url)
{
    /// <summary>True when an init container downloads the model into the pod's model emptyDir.</summary>
    public bool IsFetched => Kind is not (ModelUriKind.Pvc or ModelUriKind.File);

    public static bool TryParse(string? uri, out ModelUri result, out string error)
    {
        result = new ModelUri(ModelUriKind.File, null, "", null);
        error = "";
        if (string.IsNullOrEmpty(uri))
        {
            error = "is empty";
            return false;
        }

        if (uri.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = uri["pvc://".Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1)
            {
                error = "must be pvc://<claim>/<path to the model inside the claim>";
                return false;
            }

            var claim = rest[..slash];
            var path = rest[(slash + 1)..].TrimStart('/');
            if (!IsClaimName(claim))
            {
                error = $"claim name \"{claim}\" is not a valid PersistentVolumeClaim name (lower-case letters, digits, '-' and '.')";
                return false;
            }

            if (path.Length == 0)
            {
                error = "must be pvc://<claim>/<path to the model inside the claim>";
                return false;
            }

            result = new ModelUri(ModelUriKind.Pvc, claim, path, null);
            return true;
        }

        if (uri.StartsWith("file://", StringComparison.Ordinal))
        {
            var path = uri["file://".Length..];
            if (!path.StartsWith('/') || path.Length < 2)
            {
                error = "must be file:///<absolute path inside the image>";
                return false;
            }

            result = new ModelUri(ModelUriKind.File, null, path, null);
            return true;
        }

        if (uri.StartsWith("http://", StringComparison.Ordinal) || uri.StartsWith("https://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Host.Length == 0)
            {
                error = "is not a valid http(s) URL";
                return false;
            }

            if (parsed.UserInfo.Length > 0)
            {
                error = "must not carry credentials (user:password@): put them in the Secret named by spec.model.credentialsSecret";
                return false;
            }

            result = new ModelUri(ModelUriKind.Http, null, "", uri);
            return true;
        }

        if (uri.StartsWith("s3://", StringComparison.Ordinal) || uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            var scheme = uri[..2];
            var (bucket, key) = Split(uri[5..]);
            if (!IsBucketName(bucket) || key.Length == 0)
            {
                error = $"must be {scheme}://<bucket>/<object key> with a bucket of lower-case letters, digits, '-', '_' and '.'";
                return false;
            }

            result = new ModelUri(scheme == "s3" ? ModelUriKind.S3 : ModelUriKind.Gcs, null, key, uri);
            return true;
        }

        if (uri.StartsWith("az://", StringComparison.Ordinal))
        {
            var (container, blob) = Split(uri["az://".Length..]);
            if (!IsContainerName(container) || blob.Length == 0)
            {
                error = "must be az://<container>/<blob> with a container of lower-case letters, digits and '-'";
                return false;
            }

            result = new ModelUri(ModelUriKind.AzureBlob, null, blob, uri);
            return true;
        }

        if (uri.StartsWith("hf://", StringComparison.Ordinal))
        {
            var rest = uri["hf://".Length..];
            var at = rest.LastIndexOf('@');
            var revisionOk = at < 0 || at < rest.Length - 1;
            var parts = (at < 0 ? rest : rest[..at]).Split('/', 3);
            if (!revisionOk || parts.Length < 3 || parts.Any(p => p.Length == 0) || parts.Any(p => p.Contains('@')))
            {
                error = "must be hf://<org>/<repo>/<path in the repo>[@revision]";
                return false;
            }

            result = new ModelUri(ModelUriKind.HuggingFace, null, parts[2], uri);
            return true;
        }

        error = "has an unknown scheme (use pvc://claim/path, file:///path, http(s)://, s3://, gs://, az:// or hf://)";
        return false;
    }

    private static (string Head, string Tail) Split(string rest)
    {
        var slash = rest.IndexOf('/');
        return slash <= 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
    }

    private static bool IsBucketName(string name) =>
        name.Length >= 2
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && (char.IsAsciiLetterLower(name[^1]) || char.IsAsciiDigit(name[^1]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_');

    private static bool IsContainerName(string name) =>
        name.Length >= 2
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && (char.IsAsciiLetterLower(name[^1]) || char.IsAsciiDigit(name[^1]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool IsClaimName(string name) =>
        name.Length is > 0 and <= 253
        && char.IsAsciiLetterLower(name[0]) | char.IsAsciiDigit(name[0])
        && char.IsAsciiLetterLower(name[^1]) | char.IsAsciiDigit(name[^1])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
}
