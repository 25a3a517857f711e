using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Resources;

/// <summary>
/// What makes a revision: the model, the runtime and the accelerator, as the user wrote them. Operator defaults
/// are not part of it on purpose: upgrading the operator's default image updates pods in place instead of
/// starting a canary on every ModelDeployment in the cluster.
/// </summary>
public sealed record RevisionTemplate(ModelSpec Model, RuntimeSpec? Runtime, AcceleratorSpec? Accelerator)
{
    public static RevisionTemplate From(ModelDeploymentSpec spec) => new(spec.Model, spec.Runtime, spec.Accelerator);

    /// <summary>10 hex characters of SHA-256 over canonical JSON (keys sorted, nulls dropped): stable across processes and versions.</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson())))[..10];

    public string CanonicalJson()
    {
        var node = JsonSerializer.SerializeToNode(new Wire(Model, Runtime, Accelerator), KubeJson.Info<Wire>());
        return Canonical(node)?.ToJsonString() ?? "null";
    }

    /// <summary>The form stored in the Deployment's template annotation.</summary>
    public string ToAnnotation() => CanonicalJson();

    /// <summary>Reads the annotation back; false (never an exception) when it is missing or damaged.</summary>
    public static bool TryFromAnnotation(string? json, out RevisionTemplate template)
    {
        template = new RevisionTemplate(new ModelSpec(), null, null);
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            var wire = JsonSerializer.Deserialize(json, KubeJson.Info<Wire>());
            if (wire?.Model is null)
            {
                return false;
            }

            template = new RevisionTemplate(wire.Model, wire.Runtime, wire.Accelerator);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Where(p => p.Value is not null)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };

    internal sealed record Wire(ModelSpec Model, RuntimeSpec? Runtime, AcceleratorSpec? Accelerator);
}
