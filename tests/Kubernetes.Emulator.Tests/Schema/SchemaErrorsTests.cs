using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class SchemaErrorsTests
{
    private static readonly FieldError Replicas = new(FieldError.TypeInvalid, "spec.replicas", "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
    private static readonly FieldError Model = new(FieldError.Required, "spec.model", "Required value");

    [Fact]
    public void Formats_a_single_error_without_brackets() =>
        Assert.Equal(
            "ModelDeployment.serving.mloperator.io \"x\" is invalid: spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
            SchemaErrors.InvalidMessage("ModelDeployment", "serving.mloperator.io", "x", [Replicas]));

    [Fact]
    public void Formats_several_errors_in_brackets_and_collapses_duplicates() =>
        Assert.Equal(
            "ModelDeployment.serving.mloperator.io \"x\" is invalid: [spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\", spec.model: Required value]",
            SchemaErrors.InvalidMessage("ModelDeployment", "serving.mloperator.io", "x", [Replicas, Model, Model]));

    [Fact]
    public void Uses_the_bare_kind_for_the_core_group() =>
        Assert.Equal("Pod \"web\" is invalid: spec.model: Required value", SchemaErrors.InvalidMessage("Pod", "", "web", [Model]));

    [Fact]
    public void Quotes_the_name_like_go() =>
        Assert.Equal("Pod \"a\\\"b\" is invalid", SchemaErrors.InvalidMessage("Pod", "", "a\"b", []));

    [Fact]
    public void Builds_the_invalid_status_body()
    {
        var status = SchemaErrors.InvalidStatus("ModelDeployment", "serving.mloperator.io", "x", [Model]);

        var expected = JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"ModelDeployment.serving.mloperator.io \"x\" is invalid: spec.model: Required value",
             "reason":"Invalid",
             "details":{"name":"x","group":"serving.mloperator.io","kind":"ModelDeployment",
                        "causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.model"}]},
             "code":422}
            """);
        Assert.True(JsonNode.DeepEquals(expected, status), status.ToJsonString());
    }

    [Fact]
    public void Omits_the_core_group_from_status_details() =>
        Assert.False(SchemaErrors.InvalidStatus("Pod", "", "p", [Model])["details"]!.AsObject().ContainsKey("group"));

    [Fact]
    public void Formats_strict_decoding_errors_and_warnings()
    {
        Assert.Equal(
            "ModelDeployment in version \"v1alpha1\" cannot be handled as a ModelDeployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.steps[0].bar\"",
            SchemaErrors.StrictDecodingMessage("ModelDeployment", "v1alpha1", ["spec.foo", "spec.steps[0].bar"]));
        Assert.Equal("unknown field \"spec.foo\"", SchemaErrors.UnknownFieldWarning("spec.foo"));
    }
}
