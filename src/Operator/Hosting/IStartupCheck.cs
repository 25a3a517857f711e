namespace MlOperator.Operator.Hosting;

/// <summary>
/// Runs before the host starts; an exception stops the process with one line naming the cause (see
/// <see cref="StartupFailure"/>), instead of a controller retrying a hopeless setup forever.
/// </summary>
public interface IStartupCheck
{
    Task CheckAsync(CancellationToken cancellationToken);
}
