using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Controllers;

/// <summary>An owned kind bound to the running manager's cache.</summary>
/// <param name="Type">The owned kind.</param>
/// <param name="Children">Objects of this kind whose controller ownerReference has the given uid (so a recreated
/// namesake never adopts another's children), ordered by name.</param>
/// <param name="DeleteAsync">Deletes one child through the client.</param>
public sealed record BoundOwnedKind(
    Type Type,
    Func<string, IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> Children,
    Func<IKubeClient, IKubernetesObject<V1ObjectMeta>, DeleteOptions, CancellationToken, Task> DeleteAsync);
