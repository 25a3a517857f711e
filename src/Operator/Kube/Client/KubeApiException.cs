using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>An API call the server answered with a Status failure. Subclasses name the reasons callers branch on.</summary>
public class KubeApiException(int statusCode, Status status)
    : Exception(status.Message ?? $"HTTP {statusCode}")
{
    public int StatusCode { get; } = statusCode;
    public Status Status { get; } = status;
    public string? Reason => Status.Reason;
}

public sealed class NotFoundException(Status status) : KubeApiException(404, status);

public sealed class AlreadyExistsException(Status status) : KubeApiException(409, status);

/// <summary>409 Conflict: stale resourceVersion, or a server-side-apply field-manager conflict.</summary>
public sealed class ConflictException(Status status) : KubeApiException(409, status);

/// <summary>410 Gone / Expired: a list or watch resourceVersion too old; relist.</summary>
public sealed class GoneException(Status status) : KubeApiException(410, status);

/// <summary>422 Invalid, with the field causes.</summary>
public sealed class InvalidException(Status status) : KubeApiException(422, status)
{
    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes ?? [];
}

public sealed class UnauthorizedException(Status status) : KubeApiException(401, status);

public sealed class ForbiddenException(Status status) : KubeApiException(403, status);

public sealed class TooManyRequestsException(Status status, TimeSpan? retryAfter) : KubeApiException(429, status)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
