using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Crds;
using MlOperator.Operator.UnitTests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Operator.UnitTests.Crds;

public class CrdGeneratorTests
{
    private static readonly Lazy<string> Yaml = new(CrdGenerator.Generate);

    private static YamlMappingNode Root()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Yaml.Value));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step switch
            {
                string key => ((YamlMappingNode)node).Children[new YamlScalarNode(key)],
                int index => ((YamlSequenceNode)node).Children[index],
                _ => throw new ArgumentException("path"),
            };
        }

        return node;
    }

    private static string Text(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlNode Version() => At(Root(), "spec", "versions", 0);

    private static YamlMappingNode Schema(params string[] path)
    {
        YamlNode node = At(Version(), "schema", "openAPIV3Schema");
        foreach (var p in path)
        {
            node = At(node, "properties", p);
        }

        return (YamlMappingNode)node;
    }

    [Fact]
    public void Committed_crd_matches_the_csharp_types()
    {
        var committed = Path.Combine(RepoPaths.Root, "config", "crds", CrdGenerator.FileName);
        if (Environment.GetEnvironmentVariable("CRD_REGENERATE") == "1")
        {
            CrdGenerator.WriteAll(Path.GetDirectoryName(committed)!);
        }

        Assert.True(File.Exists(committed), $"{committed} is missing: run `make generate` (or CRD_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter CrdGenerator)");
        Assert.True(File.ReadAllText(committed) == Yaml.Value,
            $"{committed} drifted from the C# types: run `make generate` (or CRD_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter CrdGenerator) and commit it");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        Assert.Equal(CrdGenerator.Generate(), CrdGenerator.Generate());
    }

    [Fact]
    public void Names_group_and_scope_follow_the_design()
    {
        var root = Root();
        Assert.Equal("modeldeployments.serving.mloperator.io", Text(root, "metadata", "name"));
        Assert.Equal("serving.mloperator.io", Text(root, "spec", "group"));
        Assert.Equal("Namespaced", Text(root, "spec", "scope"));
        Assert.Equal("modeldeployments", Text(root, "spec", "names", "plural"));
        Assert.Equal("ModelDeploymentList", Text(root, "spec", "names", "listKind"));
        Assert.Equal(["md", "mdep"], ((YamlSequenceNode)At(root, "spec", "names", "shortNames")).Select(n => n.ToString()));
        Assert.Equal(["ml"], ((YamlSequenceNode)At(root, "spec", "names", "categories")).Select(n => n.ToString()));
        Assert.Equal("v1alpha1", Text(Version(), "name"));
    }

    [Fact]
    public void Printer_columns_are_in_order_with_their_paths()
    {
        var columns = ((YamlSequenceNode)At(Version(), "additionalPrinterColumns"))
            .Select(c => (Text(c, "name"), Text(c, "type"), Text(c, "jsonPath")))
            .ToList();

        Assert.Equal(
        [
            ("MODEL", "string", ".spec.model.name"),
            ("STABLE", "string", ".status.stableVersion"),
            ("CANARY", "string", ".status.canary.version"),
            ("WEIGHT", "integer", ".status.canary.weight"),
            ("PHASE", "string", ".status.phase"),
            ("READY", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
            ("AGE", "date", ".metadata.creationTimestamp"),
        ], columns);
    }

    [Fact]
    public void Status_and_scale_subresources_are_declared()
    {
        var sub = At(Version(), "subresources");
        Assert.Empty((YamlMappingNode)At(sub, "status"));
        Assert.Equal(".spec.replicas", Text(sub, "scale", "specReplicasPath"));
        Assert.Equal(".status.replicas", Text(sub, "scale", "statusReplicasPath"));
        Assert.Equal(".status.selector", Text(sub, "scale", "labelSelectorPath"));
    }

    [Fact]
    public void Every_field_has_a_description()
    {
        var missing = new List<string>();
        void Visit(YamlMappingNode schema, string path)
        {
            if (!schema.Children.ContainsKey(new YamlScalarNode("description")) && path.Count(c => c == '.') > 0)
            {
                missing.Add(path);
            }

            if (schema.Children.TryGetValue(new YamlScalarNode("properties"), out var props))
            {
                foreach (var (key, child) in (YamlMappingNode)props)
                {
                    if (path != "" || key.ToString() is "spec" or "status")
                    {
                        Visit((YamlMappingNode)child, $"{path}.{key}");
                    }
                }
            }

            if (schema.Children.TryGetValue(new YamlScalarNode("items"), out var items) && ((YamlMappingNode)items).Children.ContainsKey(new YamlScalarNode("properties")))
            {
                foreach (var (key, child) in (YamlMappingNode)At(items, "properties"))
                {
                    Visit((YamlMappingNode)child, $"{path}[].{key}");
                }
            }
        }

        Visit(Schema(), "");
        Assert.True(missing.Count == 0, "no description: " + string.Join(", ", missing));
        Assert.StartsWith("Where the model file lives", Text(Schema("spec", "model", "uri"), "description"));
    }

    [Fact]
    public void Schema_carries_types_ranges_enums_patterns_defaults_and_required()
    {
        var autoscaling = Schema("spec", "autoscaling");
        Assert.Equal("integer", Text(autoscaling, "properties", "maxReplicas", "type"));
        Assert.Equal("1", Text(autoscaling, "properties", "maxReplicas", "minimum"));
        Assert.Equal("1000", Text(autoscaling, "properties", "maxReplicas", "maximum"));
        Assert.Equal("80", Text(autoscaling, "properties", "targetCPUUtilizationPercentage", "default"));
        Assert.Equal(["maxReplicas"], ((YamlSequenceNode)At(autoscaling, "required")).Select(n => n.ToString()));

        Assert.Equal(["nvidia.com/gpu", "amd.com/gpu", "google.com/tpu"],
            ((YamlSequenceNode)At(Schema("spec", "accelerator", "type"), "enum")).Select(n => n.ToString()));
        Assert.Equal(ModelSpec.Sha256Pattern, Text(Schema("spec", "model", "sha256"), "pattern"));
        Assert.Equal(["name", "uri", "version"], ((YamlSequenceNode)At(Schema("spec", "model"), "required")).Select(n => n.ToString()).Order());
        Assert.Equal("Canary", Text(Schema("spec", "rollout", "strategy"), "default"));
        Assert.Equal("array", Text(Schema("spec", "rollout", "steps"), "type"));
        Assert.Equal("100", Text(Schema("spec", "rollout", "steps"), "items", "properties", "weight", "maximum"));
    }

    [Fact]
    public void Quantities_and_durations_are_int_or_string()
    {
        var quantity = At(Schema("spec", "runtime", "resources"), "properties", "requests", "additionalProperties");
        Assert.Equal("true", Text(quantity, "x-kubernetes-int-or-string"));
        Assert.False(string.IsNullOrEmpty(Text(quantity, "pattern")));

        var pause = At(Schema("spec", "rollout", "steps"), "items", "properties", "pause");
        Assert.Equal("true", Text(pause, "x-kubernetes-int-or-string"));
        Assert.Equal("true", Text(Schema("spec", "rollout", "analysis", "interval"), "x-kubernetes-int-or-string"));
        Assert.Equal("30s", Text(Schema("spec", "rollout", "analysis", "interval"), "default"));
        Assert.Equal("true", Text(Schema("spec", "runtime", "batching", "maxDelay"), "x-kubernetes-int-or-string"));
    }

    [Fact]
    public void Conditions_are_a_list_map_keyed_by_type()
    {
        var conditions = Schema("status", "conditions");
        Assert.Equal("map", Text(conditions, "x-kubernetes-list-type"));
        Assert.Equal(["type"], ((YamlSequenceNode)At(conditions, "x-kubernetes-list-map-keys")).Select(n => n.ToString()));
        Assert.Contains("type", ((YamlSequenceNode)At(conditions, "items", "required")).Select(n => n.ToString()));
    }

    [Fact]
    public void Cel_rules_are_emitted_where_they_apply()
    {
        string Rules(YamlMappingNode schema) => string.Join("\n", ((YamlSequenceNode)At(schema, "x-kubernetes-validations")).Select(r => Text(r, "rule")));

        Assert.Contains(ModelDeploymentCelRules.MaxReplicasAtLeastMin, Rules(Schema("spec", "autoscaling")));
        Assert.Contains(ModelDeploymentCelRules.AcceleratorCountPositive, Rules(Schema("spec", "accelerator")));
        Assert.Contains(ModelDeploymentCelRules.TpuCountDividesTopology, Rules(Schema("spec", "accelerator")));
        Assert.Contains(ModelDeploymentCelRules.StepWeightsIncrease, Rules(Schema("spec", "rollout")));
        Assert.Contains(ModelDeploymentCelRules.TlsNeedsHost, Rules(Schema("spec", "ingress")));
        Assert.Contains(ModelDeploymentCelRules.NginxRoutingNeedsIngress, Rules(Schema("spec")));
        var messages = ((YamlSequenceNode)At(Schema("spec", "autoscaling"), "x-kubernetes-validations")).Select(r => Text(r, "message"));
        Assert.All(messages, m => Assert.StartsWith("spec.", m));
    }
}
