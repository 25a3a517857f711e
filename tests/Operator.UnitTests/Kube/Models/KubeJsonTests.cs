using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Kube.Models;

public class KubeJsonTests
{
    [Fact]
    public void Writes_times_as_rfc3339_utc_with_microseconds_only_when_needed()
    {
        var whole = KubeJson.Serialize(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));
        var micro = KubeJson.Serialize(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560));

        Assert.Equal("\"2026-01-02T01:04:05Z\"", whole);
        Assert.Equal("\"2026-01-02T03:04:05.123456Z\"", micro);
    }

    [Fact]
    public void Status_body_decodes_with_outcome_reason_and_causes()
    {
        var status = KubeJson.Deserialize<Status>("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"bad","reason":"Invalid",
             "details":{"name":"web","group":"apps","kind":"deployments","causes":[{"reason":"FieldValueInvalid","message":"m","field":"spec.replicas"}]},"code":422}
            """);

        Assert.Equal("Failure", status.Outcome);
        Assert.Equal(422, status.Code);
        Assert.Equal("spec.replicas", status.Details!.Causes![0].Field);
    }
}
