using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Resources;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// Compile-time JSON metadata for every type the operator reads or writes: each kind, its list and its watch event,
/// and the few shapes around them. It is the only resolver of the library's options (<see cref="KubeJson.Options"/>):
/// no type is resolved through reflection, which is what lets the operator publish as a native AOT binary, and a type
/// missing here fails every test that touches it rather than the shipped binary.
/// </summary>
[JsonSerializable(typeof(ModelDeployment))]
[JsonSerializable(typeof(KubernetesList<ModelDeployment>), TypeInfoPropertyName = "ModelDeploymentList")]
[JsonSerializable(typeof(Watcher<ModelDeployment>.WatchEvent), TypeInfoPropertyName = "ModelDeploymentWatchEvent")]
[JsonSerializable(typeof(ModelDeploymentStatus))]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(KubernetesList<V1Deployment>), TypeInfoPropertyName = "DeploymentList")]
[JsonSerializable(typeof(Watcher<V1Deployment>.WatchEvent), TypeInfoPropertyName = "DeploymentWatchEvent")]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(KubernetesList<V1Service>), TypeInfoPropertyName = "ServiceList")]
[JsonSerializable(typeof(Watcher<V1Service>.WatchEvent), TypeInfoPropertyName = "ServiceWatchEvent")]
[JsonSerializable(typeof(V1Ingress))]
[JsonSerializable(typeof(KubernetesList<V1Ingress>), TypeInfoPropertyName = "IngressList")]
[JsonSerializable(typeof(Watcher<V1Ingress>.WatchEvent), TypeInfoPropertyName = "IngressWatchEvent")]
[JsonSerializable(typeof(V2HorizontalPodAutoscaler))]
[JsonSerializable(typeof(KubernetesList<V2HorizontalPodAutoscaler>), TypeInfoPropertyName = "HorizontalPodAutoscalerList")]
[JsonSerializable(typeof(Watcher<V2HorizontalPodAutoscaler>.WatchEvent), TypeInfoPropertyName = "HorizontalPodAutoscalerWatchEvent")]
[JsonSerializable(typeof(V1Pod))]
[JsonSerializable(typeof(KubernetesList<V1Pod>), TypeInfoPropertyName = "PodList")]
[JsonSerializable(typeof(Watcher<V1Pod>.WatchEvent), TypeInfoPropertyName = "PodWatchEvent")]
[JsonSerializable(typeof(V1ResourceQuota))]
[JsonSerializable(typeof(KubernetesList<V1ResourceQuota>), TypeInfoPropertyName = "ResourceQuotaList")]
[JsonSerializable(typeof(Watcher<V1ResourceQuota>.WatchEvent), TypeInfoPropertyName = "ResourceQuotaWatchEvent")]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(KubernetesList<V1Lease>), TypeInfoPropertyName = "LeaseList")]
[JsonSerializable(typeof(Watcher<V1Lease>.WatchEvent), TypeInfoPropertyName = "LeaseWatchEvent")]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(KubernetesList<Corev1Event>), TypeInfoPropertyName = "EventList")]
[JsonSerializable(typeof(Watcher<Corev1Event>.WatchEvent), TypeInfoPropertyName = "EventWatchEvent")]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(KubernetesList<V1Namespace>), TypeInfoPropertyName = "NamespaceList")]
[JsonSerializable(typeof(Watcher<V1Namespace>.WatchEvent), TypeInfoPropertyName = "NamespaceWatchEvent")]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(KubernetesList<V1ConfigMap>), TypeInfoPropertyName = "ConfigMapList")]
[JsonSerializable(typeof(Watcher<V1ConfigMap>.WatchEvent), TypeInfoPropertyName = "ConfigMapWatchEvent")]
[JsonSerializable(typeof(V1CustomResourceDefinition))]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(Watcher<V1Status>.WatchEvent), TypeInfoPropertyName = "StatusWatchEvent")]
[JsonSerializable(typeof(KubernetesObject))]
[JsonSerializable(typeof(Watcher<KubernetesObject>.WatchEvent), TypeInfoPropertyName = "ObjectWatchEvent")]
[JsonSerializable(typeof(V1DeleteOptions))]
[JsonSerializable(typeof(k8s.KubeConfigModels.ExecCredentialResponse))]
[JsonSerializable(typeof(V1Patch))]
[JsonSerializable(typeof(Unread))]
[JsonSerializable(typeof(RevisionTemplate.Wire), TypeInfoPropertyName = "RevisionTemplateWire")]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(DateTime))]
internal sealed partial class KubeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Puts this context first in the library's resolver chain and takes the reflection resolver out of it, before
    /// anything (de)serialises: System.Text.Json freezes options at first use, and the library's first use may come
    /// from any of our calls into it. The library's own source-generated context stays behind ours. Another assembly
    /// (a test kind) may add its own context the same way.
    /// </summary>
    [ModuleInitializer]
    internal static void UseForLibrary() => KubernetesJson.AddJsonOptions(options =>
    {
        var chain = options.TypeInfoResolverChain;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i] is DefaultJsonTypeInfoResolver)
            {
                chain.RemoveAt(i);
            }
        }

        chain.Insert(0, Default);
    });
}
