using System.Net;
using System.Net.Http.Headers;
using k8s.Autorest;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public class KubeErrorsTests
{
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<int, string, Type> Statuses => new()
    {
        { 404, "NotFound", typeof(NotFoundException) },
        { 409, "AlreadyExists", typeof(AlreadyExistsException) },
        { 409, "Conflict", typeof(ConflictException) },
        { 410, "Gone", typeof(GoneException) },
        { 410, "Expired", typeof(GoneException) },
        { 422, "Invalid", typeof(InvalidException) },
        { 401, "Unauthorized", typeof(UnauthorizedException) },
        { 403, "Forbidden", typeof(ForbiddenException) },
        { 429, "TooManyRequests", typeof(TooManyRequestsException) },
        { 500, "InternalError", typeof(KubeApiException) },
        { 400, "BadRequest", typeof(KubeApiException) },
        { 415, "UnsupportedMediaType", typeof(KubeApiException) },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task Decodes_each_status_into_its_exception(int code, string reason, Type expected)
    {
        var error = await Decode(FakeHttpHandler.Json((HttpStatusCode)code, FakeHttpHandler.Status(code, reason, "it failed")));

        Assert.IsType(expected, error);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.Reason);
        Assert.Equal("it failed", error.Message);
    }

    [Fact]
    public async Task Invalid_carries_the_field_causes()
    {
        var body = FakeHttpHandler.Status(422, "Invalid", "ModelDeployment.serving.mloperator.io m is invalid",
            """{"name":"m","kind":"modeldeployments","causes":[{"reason":"FieldValueInvalid","message":"must be positive","field":"spec.replicas"}]}""");

        var error = Assert.IsType<InvalidException>(await Decode(FakeHttpHandler.Json((HttpStatusCode)422, body)));

        var cause = Assert.Single(error.Causes);
        Assert.Equal("spec.replicas", cause.Field);
        Assert.Equal("must be positive", cause.Message);
    }

    [Fact]
    public async Task Too_many_requests_takes_retry_after_from_the_header()
    {
        var response = FakeHttpHandler.Json(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow down"));
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var error = Assert.IsType<TooManyRequestsException>(await Decode(response));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public async Task Too_many_requests_takes_retry_after_from_an_http_date()
    {
        var response = FakeHttpHandler.Json(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow down"));
        response.Headers.RetryAfter = new RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(12));

        var error = Assert.IsType<TooManyRequestsException>(await Decode(response));

        Assert.Equal(TimeSpan.FromSeconds(12), error.RetryAfter);
    }

    [Fact]
    public async Task Too_many_requests_falls_back_to_details_retry_after_seconds()
    {
        var body = FakeHttpHandler.Status(429, "TooManyRequests", "slow down", """{"retryAfterSeconds":3}""");

        var error = Assert.IsType<TooManyRequestsException>(await Decode(FakeHttpHandler.Json(HttpStatusCode.TooManyRequests, body)));

        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public async Task A_body_that_is_not_a_status_still_gives_the_code_and_a_snippet()
    {
        var response = new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            ReasonPhrase = "Bad Gateway",
            Content = new StringContent("<html>\n  <body>upstream   connect error</body>\n</html>"),
        };

        var error = await Decode(response);

        Assert.Equal(typeof(KubeApiException), error.GetType());
        Assert.Equal(502, error.StatusCode);
        Assert.Equal("HTTP 502 Bad Gateway: <html> <body>upstream connect error</body> </html>", error.Message);
    }

    [Fact]
    public async Task A_json_body_that_is_not_a_status_is_not_mistaken_for_one()
    {
        var error = await Decode(FakeHttpHandler.Json(HttpStatusCode.NotFound, """{"message":"404 page not found"}"""));

        Assert.IsType<NotFoundException>(error);
        Assert.StartsWith("HTTP 404", error.Message);
    }

    [Fact]
    public async Task An_empty_error_body_still_decodes()
    {
        var error = await Decode(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { ReasonPhrase = "Service Unavailable" });

        Assert.Equal(503, error.StatusCode);
        Assert.Equal("HTTP 503 Service Unavailable", error.Message);
    }

    /// <summary>The failure as the library reports it (the body read into an HttpOperationException), mapped by us.</summary>
    private async Task<KubeApiException> Decode(HttpResponseMessage response)
    {
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync();
        var failure = new HttpOperationException("failed") { Response = new HttpResponseMessageWrapper(response, body) };
        return KubeErrors.FromOperation(failure, _time);
    }
}
