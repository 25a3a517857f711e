namespace MlOperator.Operator.Hosting;

/// <summary>Process exit codes, so scripts can tell a bad setup from a crash.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected failure (logged with its exception).</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or unusable configuration (kubeconfig, metrics address).</summary>
    public const int ConfigurationError = 2;

    /// <summary>The API server could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>The API server rejected our credentials (401) or our permissions (403).</summary>
    public const int AccessDenied = 4;
}
