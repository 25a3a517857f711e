namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// A bearer token from a file that kubelet rotates (projected service-account tokens): re-read at most once a minute,
/// like client-go's cached token source. A failed re-read keeps the last good token.
/// </summary>
internal sealed class BearerTokenSource(string? initialToken, string? tokenFile, TimeProvider time, Func<string, string>? readFile = null)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Func<string, string> _read = readFile ?? File.ReadAllText;
    private string? _token = string.IsNullOrWhiteSpace(initialToken) ? null : initialToken.Trim();
    private DateTimeOffset _readAt = initialToken is null ? DateTimeOffset.MinValue : time.GetUtcNow();

    public string? GetToken()
    {
        if (tokenFile is null)
        {
            return _token;
        }

        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _readAt < RefreshPeriod)
            {
                return _token;
            }

            _readAt = now;
            try
            {
                var text = _read(tokenFile).Trim();
                if (text.Length > 0)
                {
                    _token = text;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep the old token: it stays valid for a while after rotation, and the next minute tries again.
            }

            return _token;
        }
    }
}
