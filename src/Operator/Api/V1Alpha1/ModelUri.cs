namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>A parsed spec.model.uri: a claim and a path inside it, a path inside the image, or a URL to download.</summary>
public sealed record ModelUri(ModelUriKind Kind, string? ClaimName, string Path, string? Url)
{
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

            result = new ModelUri(ModelUriKind.Http, null, "", uri);
            return true;
        }

        error = "has an unknown scheme (use pvc://claim/path, file:///path, http:// or https://)";
        return false;
    }

    private static bool IsClaimName(string name) =>
        name.Length is > 0 and <= 253
        && char.IsAsciiLetterLower(name[0]) | char.IsAsciiDigit(name[0])
        && char.IsAsciiLetterLower(name[^1]) | char.IsAsciiDigit(name[^1])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
}
