namespace MlOperator.Operator.Hosting;

/// <summary>A startup check's verdict, already worded for the user; reported as one line with this exit code.</summary>
public sealed class StartupCheckException(string message, int exitCode = ExitCodes.ConfigurationError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
