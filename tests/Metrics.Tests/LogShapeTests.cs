using MlOperator.Inference.Sidecar.Hosting;
using MlOperator.Operator.Hosting;

namespace MlOperator.Metrics.Tests;

/// <summary>This is the one test project that sees both processes, so it pins what they must share beyond /metrics.</summary>
public sealed class LogShapeTests
{
    [Fact]
    public void Operator_and_sidecar_write_the_same_json_log_line_shape() =>
        Assert.Equal(OperatorLogging.JsonTemplate, SidecarLogging.JsonTemplate);
}
