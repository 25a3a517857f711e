using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Nodes;
using k8s.Models;
using MlOperator.Operator.Api.Schema;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Crds;

/// <summary>
/// Emits the apiextensions.k8s.io/v1 CustomResourceDefinition of ModelDeployment from the C# types: the
/// schema from the properties and the attributes in Api/Schema, descriptions from the XML documentation file
/// the build writes next to the assembly. The committed config/crds YAML must equal <see cref="Generate"/>;
/// regenerate with <c>make generate</c> or <c>CRD_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter Crd</c>.
/// </summary>
[RequiresUnreferencedCode("Reads the API types' properties and attributes through reflection; a build-time tool (make generate), not part of the AOT binary's work.")]
[RequiresDynamicCode("Builds JSON values of arbitrary attribute argument types; a build-time tool (make generate).")]
public static class CrdGenerator
{
    public const string FileName = "serving.mloperator.io_modeldeployments.yaml";

    /// <summary>The CRD as YAML text; deterministic (properties sorted, attributes in declared order).</summary>
    [RequiresAssemblyFiles("Reads the XML documentation next to the assembly.")]
    public static string Generate() => YamlText.Write(Build(typeof(ModelDeployment), XmlDocs.Load(typeof(ModelDeployment).Assembly)));

    /// <summary>Writes every CRD into <paramref name="outputDirectory"/>, creating it if needed.</summary>
    [RequiresAssemblyFiles("Reads the XML documentation next to the assembly.")]
    public static void WriteAll(string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        File.WriteAllText(Path.Combine(outputDirectory, FileName), Generate());
    }

    internal static JsonObject Build(Type type, XmlDocs docs)
    {
        var resource = KubeResource.For(type);
        var crd = type.GetCustomAttribute<CustomResourceAttribute>() ?? new CustomResourceAttribute();
        var singular = resource.Kind.ToLowerInvariant();

        var names = new JsonObject
        {
            ["categories"] = Strings(crd.Categories),
            ["kind"] = resource.Kind,
            ["listKind"] = resource.Kind + "List",
            ["plural"] = resource.Plural,
            ["shortNames"] = Strings(crd.ShortNames),
            ["singular"] = singular,
        };

        var columns = new JsonArray();
        foreach (var column in type.GetCustomAttributes<PrinterColumnAttribute>().OrderBy(c => c.Order))
        {
            var node = new JsonObject();
            if (column.Description is not null)
            {
                node["description"] = column.Description;
            }

            if (column.Format is not null)
            {
                node["format"] = column.Format;
            }

            node["jsonPath"] = column.JsonPath;
            node["name"] = column.Name;
            node["type"] = column.Type;
            columns.Add(node);
        }

        var subresources = new JsonObject();
        if (crd.SpecReplicasPath is not null)
        {
            var scale = new JsonObject();
            if (crd.LabelSelectorPath is not null)
            {
                scale["labelSelectorPath"] = crd.LabelSelectorPath;
            }

            scale["specReplicasPath"] = crd.SpecReplicasPath;
            scale["statusReplicasPath"] = crd.StatusReplicasPath;
            subresources["scale"] = scale;
        }

        if (type.GetProperty("Status") is not null)
        {
            subresources["status"] = new JsonObject();
        }

        var root = new JsonObject();
        if (docs.Type(type) is { } description)
        {
            root["description"] = description;
        }

        root["type"] = "object";
        var properties = new JsonObject
        {
            ["apiVersion"] = new JsonObject
            {
                ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
                ["type"] = "string",
            },
            ["kind"] = new JsonObject
            {
                ["description"] = "Kind is a string value representing the REST resource this object represents.",
                ["type"] = "string",
            },
            ["metadata"] = new JsonObject { ["type"] = "object" },
        };
        var required = new JsonArray();
        foreach (var property in ModelDeploymentValidator.SchemaProperties(type).Where(p => p.Name is not (nameof(ModelDeployment.ApiVersion) or nameof(ModelDeployment.Kind) or nameof(ModelDeployment.Metadata))))
        {
            var name = ModelDeploymentValidator.JsonName(property);
            properties[name] = PropertySchema(property, docs);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        root["properties"] = properties;
        if (required.Count > 0)
        {
            root["required"] = required;
        }

        var rootRules = new JsonArray();
        foreach (var rule in type.GetCustomAttributes<CelRuleAttribute>())
        {
            rootRules.Add(new JsonObject { ["message"] = rule.Message, ["rule"] = rule.Rule });
        }

        if (rootRules.Count > 0)
        {
            root["x-kubernetes-validations"] = rootRules;
        }

        var version = new JsonObject
        {
            ["additionalPrinterColumns"] = columns,
            ["name"] = resource.Version,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
            ["served"] = true,
            ["storage"] = true,
            ["subresources"] = subresources,
        };

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = resource.GroupResource,
                ["labels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "mloperator" },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = names,
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static JsonObject PropertySchema(PropertyInfo property, XmlDocs docs)
    {
        var schema = TypeSchema(property.PropertyType, property, docs);
        var description = docs.Property(property) ?? docs.Type(Unwrap(property.PropertyType));
        var ordered = new JsonObject();
        if (description is not null)
        {
            ordered["description"] = description;
        }

        foreach (var (key, value) in schema)
        {
            ordered[key] = value?.DeepClone();
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } def)
        {
            ordered["default"] = JsonValue.Create(def.Value) is { } v ? JsonNode.Parse(v.ToJsonString()) : null;
        }

        if (property.GetCustomAttribute<EnumAttribute>() is { } allowed)
        {
            ordered["enum"] = Strings(allowed.Values);
        }

        if (property.GetCustomAttribute<MinimumAttribute>() is { } min)
        {
            ordered["minimum"] = Number(min.Value);
        }

        if (property.GetCustomAttribute<MaximumAttribute>() is { } max)
        {
            ordered["maximum"] = Number(max.Value);
        }

        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            ordered["minLength"] = minLength.Value;
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            ordered["maxLength"] = maxLength.Value;
        }

        if (property.GetCustomAttribute<MaxItemsAttribute>() is { } maxItems)
        {
            ordered["maxItems"] = maxItems.Value;
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            ordered["pattern"] = pattern.Regex;
        }
        else if (property.GetCustomAttribute<DurationAttribute>() is not null)
        {
            ordered["pattern"] = DurationAttribute.Pattern;
        }

        if (property.GetCustomAttribute<ListMapAttribute>() is { } listMap)
        {
            ordered["x-kubernetes-list-map-keys"] = Strings(listMap.Keys);
            ordered["x-kubernetes-list-type"] = "map";
        }

        return ordered;
    }

    private static JsonObject TypeSchema(Type type, PropertyInfo? property, XmlDocs docs)
    {
        type = Unwrap(type);
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(IntOrString))
        {
            return IntOrStringSchema();
        }

        if (type == typeof(V1ResourceRequirements))
        {
            return ResourceRequirementsSchema(docs);
        }

        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }

        if (ModelDeploymentValidator.ElementType(type) is { } element)
        {
            var items = TypeSchema(element, null, docs);
            var itemsWithDoc = new JsonObject();
            if (docs.Type(element) is { } d && ModelDeploymentValidator.IsApiType(element))
            {
                itemsWithDoc["description"] = d;
            }

            foreach (var (key, value) in items)
            {
                itemsWithDoc[key] = value?.DeepClone();
            }

            return new JsonObject { ["type"] = "array", ["items"] = itemsWithDoc };
        }

        if (type == typeof(Dictionary<string, string>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } };
        }

        if (ModelDeploymentValidator.IsApiType(type))
        {
            return ObjectSchema(type, docs);
        }

        throw new NotSupportedException($"no schema mapping for {type} ({property?.DeclaringType?.Name}.{property?.Name})");
    }

    private static JsonObject ObjectSchema(Type type, XmlDocs docs)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in ModelDeploymentValidator.SchemaProperties(type))
        {
            var name = ModelDeploymentValidator.JsonName(property);
            properties[name] = PropertySchema(property, docs);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        var rules = new JsonArray();
        foreach (var rule in type.GetCustomAttributes<CelRuleAttribute>())
        {
            rules.Add(new JsonObject { ["message"] = rule.Message, ["rule"] = rule.Rule });
        }

        if (rules.Count > 0)
        {
            schema["x-kubernetes-validations"] = rules;
        }

        return schema;
    }

    private static JsonObject IntOrStringSchema() => new()
    {
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
        ["x-kubernetes-int-or-string"] = true,
    };

    private static JsonObject QuantitySchema()
    {
        var schema = IntOrStringSchema();
        schema["pattern"] = Quantity.Pattern;
        return schema;
    }

    private static JsonObject ResourceRequirementsSchema(XmlDocs docs)
    {
        // The library's V1ResourceRequirements carries no XML docs of ours; these are the descriptions users read.
        JsonObject Map(string name) => new()
        {
            ["description"] = name == nameof(V1ResourceRequirements.Limits)
                ? "Quantities by resource name; extended resources must have limits equal to requests."
                : "Quantities by resource name (\"cpu\": \"500m\", \"memory\": \"1Gi\", \"nvidia.com/gpu\": \"1\").",
            ["type"] = "object",
            ["additionalProperties"] = QuantitySchema(),
        };

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["limits"] = Map(nameof(V1ResourceRequirements.Limits)), ["requests"] = Map(nameof(V1ResourceRequirements.Requests)) },
        };
    }

    /// <summary>metav1.Condition, as kubebuilder emits it, minus the length limits we do not need.</summary>
    private static JsonObject ConditionSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["lastTransitionTime"] = new JsonObject { ["description"] = "Last time the condition changed status.", ["type"] = "string", ["format"] = "date-time" },
            ["message"] = new JsonObject { ["description"] = "Human-readable details of the transition.", ["type"] = "string", ["maxLength"] = 32768 },
            ["observedGeneration"] = new JsonObject { ["description"] = "metadata.generation the condition was set for.", ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0 },
            ["reason"] = new JsonObject { ["description"] = "CamelCase reason for the last transition.", ["type"] = "string", ["maxLength"] = 1024 },
            ["status"] = new JsonObject { ["description"] = "True, False or Unknown.", ["type"] = "string", ["enum"] = Strings(["True", "False", "Unknown"]) },
            ["type"] = new JsonObject { ["description"] = "Condition type: Ready, Progressing, Degraded, QuotaExceeded or ModelVerified.", ["type"] = "string", ["maxLength"] = 316 },
        },
        ["required"] = Strings(["status", "type"]),
    };

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < long.MaxValue ? JsonValue.Create((long)value) : JsonValue.Create(value);
}
