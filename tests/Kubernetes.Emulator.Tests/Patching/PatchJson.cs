using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

/// <summary>JSON literals for the patching tests, written with single quotes so table rows stay readable.</summary>
internal static class PatchJson
{
    public static JsonNode? Parse(string relaxed) => JsonNode.Parse(relaxed.Replace('\'', '"'));

    public static JsonObject Object(string relaxed) => (JsonObject)Parse(relaxed)!;

    public static JsonArray Array(string relaxed) => (JsonArray)Parse(relaxed)!;

    /// <summary>Semantic equality (1 == 1.0, map order ignored, list order kept), printing both sides on failure.</summary>
    public static void Equal(string expectedRelaxed, JsonNode? actual) => Equal(Parse(expectedRelaxed), actual);

    public static void Equal(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonValues.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nexpected: {expected?.ToJsonString() ?? "null"}\nactual:   {actual?.ToJsonString() ?? "null"}");
        }
    }
}
