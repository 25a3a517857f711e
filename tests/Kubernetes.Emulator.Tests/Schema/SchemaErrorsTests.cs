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
}
