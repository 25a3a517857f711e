using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The ClusterIP Service named after the ModelDeployment.</summary>
public sealed class ModelServiceSpec
{
    /// <summary>Port the Service listens on; traffic goes to the sidecar's HTTP port.</summary>
    [Minimum(1), Maximum(65535), Default(80)]
    public int? Port { get; set; }
}
