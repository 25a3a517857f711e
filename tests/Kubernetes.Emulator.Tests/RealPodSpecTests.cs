using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Kubelet;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>Which model URI a pod the operator built serves, and which pods real pod mode runs.</summary>
public sealed class RealPodSpecTests : IDisposable
{
    private readonly string _model = Path.GetTempFileName();

    public void Dispose() => File.Delete(_model);

    [Theory]
    [InlineData("pvc", "pvc://store/iris/3/model.onnx")]
    [InlineData("fetch", "https://models.example.com/m.onnx")]
    [InlineData("file", "file:///opt/models/m.onnx")]
    public void The_model_uri_is_read_back_from_the_pod(string kind, string uri)
    {
        var options = new RealPodOptions { SidecarPath = "sidecar.dll", Models = new Dictionary<string, string> { [uri] = _model } };
        var spec = RealPodSpec.For(Pod(kind), options);
        Assert.NotNull(spec);
        Assert.Equal(uri, spec.ModelUri);
        Assert.Equal(Path.GetFullPath(_model), spec.ModelFile);
        Assert.Equal(9000, spec.Port);
        Assert.Equal(9000, spec.NamedPorts["http"]);
        Assert.Equal("m", spec.Env["MLOP_MODEL_NAME"]);
    }

    [Fact]
    public void Pods_without_the_inference_container_or_a_local_model_stay_simulated()
    {
        var options = new RealPodOptions { SidecarPath = "sidecar.dll" };
        Assert.Null(RealPodSpec.For(Pod("pvc"), options));
        var other = Pod("file").ToNode();
        other["spec"]!["containers"]![0]!["name"] = "web";
        Assert.Null(RealPodSpec.For(StoredObject.From(other, other.ToJsonString()), options with { Models = new Dictionary<string, string> { ["file:///opt/models/m.onnx"] = _model } }));
    }

    private static StoredObject Pod(string kind)
    {
        var path = kind switch { "pvc" => "/models/iris/3/model.onnx", "fetch" => "/models/model.onnx", _ => "/opt/models/m.onnx" };
        var spec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "inference",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 9000 }),
                ["env"] = new JsonArray(
                    new JsonObject { ["name"] = "MLOP_MODEL_PATH", ["value"] = path },
                    new JsonObject { ["name"] = "MLOP_MODEL_NAME", ["value"] = "m" }),
            }),
        };
        if (kind == "pvc") spec["volumes"] = new JsonArray(new JsonObject { ["name"] = "model", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "store" } });
        if (kind == "fetch")
            spec["initContainers"] = new JsonArray(new JsonObject
            {
                ["name"] = "model-fetch",
                ["env"] = new JsonArray(new JsonObject { ["name"] = "MLOP_MODEL_URL", ["value"] = "https://models.example.com/m.onnx" }),
            });
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "default", ["uid"] = "u" }, ["spec"] = spec };
        return StoredObject.From(pod, pod.ToJsonString());
    }
}
