using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>JSON metadata for the kinds only these tests list and watch, added to the library's resolver chain.</summary>
[JsonSerializable(typeof(KubernetesList<V1Secret>), TypeInfoPropertyName = "SecretList")]
[JsonSerializable(typeof(Watcher<V1Secret>.WatchEvent), TypeInfoPropertyName = "SecretWatchEvent")]
internal sealed partial class TestKindsJsonContext : JsonSerializerContext
{
    [ModuleInitializer]
    internal static void AddToLibrary() => KubernetesJson.AddJsonOptions(options => options.TypeInfoResolverChain.Add(Default));
}
