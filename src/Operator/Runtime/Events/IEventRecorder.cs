using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Events;

/// <summary>Records Kubernetes Events about an object. Never blocks and never throws: events are best effort.</summary>
public interface IEventRecorder
{
    void Normal(IKubernetesObject<V1ObjectMeta> obj, string reason, string message);

    void Warning(IKubernetesObject<V1ObjectMeta> obj, string reason, string message);
}
