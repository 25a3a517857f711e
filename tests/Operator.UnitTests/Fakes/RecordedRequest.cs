namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>What <see cref="FakeHttpHandler"/> saw of one request, copied before the client disposes it.</summary>
public sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    string? Body,
    string? ContentType,
    string? Authorization,
    string? UserAgent,
    DateTimeOffset At)
{
    public string PathAndQuery => Uri.PathAndQuery;
}
