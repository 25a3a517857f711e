using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Dynamic batching: requests that arrive together run as one batch.</summary>
public sealed class BatchingSpec
{
    /// <summary>Largest batch the sidecar forms; 1 turns batching off.</summary>
    [Minimum(1), Maximum(1024)]
    public int? MaxBatchSize { get; set; }

    /// <summary>Longest a request waits for a batch to fill, as a duration ("2ms") or whole seconds.</summary>
    [Duration]
    public IntOrString? MaxDelay { get; set; }
}
