namespace MlOperator.Operator.Kube.Models;

/// <summary>Every object the API server stores: type meta plus object meta.</summary>
public interface IKubernetesObject
{
    string ApiVersion { get; set; }
    string Kind { get; set; }
    ObjectMeta Metadata { get; set; }
}
