using System.Globalization;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Kubelet;

/// <summary>
/// What a real pod runs, read from the Pod the operator built (DeploymentBuilder, ModelVolumePlan): the container
/// named <c>inference</c>, its literal env, its first port, and the model URI the pod serves — the init container's
/// MLOP_MODEL_URL for downloaded models, pvc://claim/path for a mounted claim, file://path otherwise.
/// </summary>
internal sealed record RealPodSpec(string ModelUri, string ModelFile, int Port, IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, int> NamedPorts, TimeSpan GracePeriod)
{
    public const string ContainerName = "inference";
    private const string ModelPathKey = "MLOP_MODEL_PATH";
    private const string ModelUrlKey = "MLOP_MODEL_URL";
    private const string ModelMount = "/models/";

    /// <summary>Null when the pod has no inference container or its model maps to no local file (it stays simulated).</summary>
    public static RealPodSpec? For(StoredObject pod, RealPodOptions options)
    {
        var spec = pod.ToNode()["spec"] as JsonObject;
        if ((spec?["containers"] as JsonArray)?.FirstOrDefault(c => Json.String(c, "name") == ContainerName) is not JsonObject container) return null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in container["env"] as JsonArray ?? [])
            if (Json.String(e, "name") is { } name && Json.String(e, "value") is { } value) env[name] = value;
        var uri = ModelUriOf(spec!, env.GetValueOrDefault(ModelPathKey) ?? "");
        if (options.ModelFile(uri) is not { } file) return null;
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        int? first = null;
        foreach (var p in container["ports"] as JsonArray ?? [])
        {
            if (Json.Long(p, "containerPort") is not { } port) continue;
            first ??= (int)port;
            if (Json.String(p, "name") is { } portName) named[portName] = (int)port;
        }
        var envPort = int.TryParse(env.GetValueOrDefault("MLOP_PORT"), NumberStyles.None, CultureInfo.InvariantCulture, out var ep) ? ep : 8080;
        var grace = TimeSpan.FromSeconds(Json.Long(spec, "terminationGracePeriodSeconds") ?? 30);
        return new RealPodSpec(uri, file, first ?? envPort, env, named, grace < options.MaxGracePeriod ? grace : options.MaxGracePeriod);
    }

    private static string ModelUriOf(JsonObject spec, string modelPath)
    {
        foreach (var init in spec["initContainers"] as JsonArray ?? [])
            foreach (var e in init?["env"] as JsonArray ?? [])
                if (Json.String(e, "name") == ModelUrlKey && Json.String(e, "value") is { } url) return url;
        if (modelPath.StartsWith(ModelMount, StringComparison.Ordinal))
            foreach (var v in spec["volumes"] as JsonArray ?? [])
                if (Json.String(v?["persistentVolumeClaim"], "claimName") is { } claim) return $"pvc://{claim}/{modelPath[ModelMount.Length..]}";
        return "file://" + modelPath;
    }
}
