using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>JSON metadata for the test kinds, added to the library's resolver chain next to the operator's own context.</summary>
[JsonSerializable(typeof(Widget))]
[JsonSerializable(typeof(KubernetesList<Widget>), TypeInfoPropertyName = "WidgetList")]
[JsonSerializable(typeof(Watcher<Widget>.WatchEvent), TypeInfoPropertyName = "WidgetWatchEvent")]
[JsonSerializable(typeof(WidgetPart))]
[JsonSerializable(typeof(KubernetesList<WidgetPart>), TypeInfoPropertyName = "WidgetPartList")]
[JsonSerializable(typeof(Watcher<WidgetPart>.WatchEvent), TypeInfoPropertyName = "WidgetPartWatchEvent")]
internal sealed partial class TestKindsJsonContext : JsonSerializerContext
{
    [ModuleInitializer]
    internal static void AddToLibrary() => KubernetesJson.AddJsonOptions(options => options.TypeInfoResolverChain.Add(Default));
}
