using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;
using MlOperator.Operator.Api.Schema;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// Re-checks every rule of the CRD in C#: the schema rules by walking the same attributes the CRD generator
/// reads, the CEL rules through a C# twin of each. The API server may not have run them (the emulator has no
/// CEL, an object may predate a rule), and a bad spec must end in a condition, never in a crash or a hot loop.
/// Pure: no I/O, never throws on user input.
/// </summary>
public static partial class ModelDeploymentValidator
{
    private sealed record CelTwin(Type Type, string Rule, Func<object, bool> Holds, Func<object, string?> Detail);

    private static readonly CelTwin[] Twins =
    [
        Twin<ModelDeployment>(ModelDeploymentCelRules.NameIsServiceName,
            md => md.Metadata.Name is { Length: > 0 } name && ServiceName().IsMatch(name), md => $"got \"{md.Metadata.Name}\""),
        Twin<ModelDeploymentSpec>(ModelDeploymentCelRules.NginxRoutingNeedsIngress,
            s => s.Rollout?.TrafficRouting != RolloutSpec.NginxIngress || s.Ingress is not null),
        Twin<AcceleratorSpec>(ModelDeploymentCelRules.AcceleratorCountPositive,
            a => a.Count is null or >= 1, a => $"got count {a.Count} with type {a.Type}"),
        Twin<AcceleratorSpec>(ModelDeploymentCelRules.TopologyOnlyForTpu,
            a => a.Topology is null || a.Type == AcceleratorSpec.GoogleTpu, a => $"got type {a.Type}"),
        Twin<AcceleratorSpec>(ModelDeploymentCelRules.TpuNeedsProductAndTopology,
            a => a.Type != AcceleratorSpec.GoogleTpu || (a.Product is not null && a.Topology is not null)),
        Twin<AcceleratorSpec>(ModelDeploymentCelRules.TpuCountDividesTopology,
            a => a.Type != AcceleratorSpec.GoogleTpu || a.Topology is null || a.Count is null or < 1
                 || !TpuTopology.TryParse(a.Topology, out var t) || t.Chips % a.Count.Value == 0,
            a => TpuTopology.TryParse(a.Topology, out var t) ? $"topology {t} has {t.Chips} chips, count is {a.Count}" : null),
        Twin<AutoscalingSpec>(ModelDeploymentCelRules.MaxReplicasAtLeastMin,
            a => a.MinReplicas is null || a.MaxReplicas >= a.MinReplicas, a => $"maxReplicas {a.MaxReplicas}, minReplicas {a.MinReplicas}"),
        Twin<ModelIngressSpec>(ModelDeploymentCelRules.TlsNeedsHost, i => i.TlsSecretName is null || i.Host is not null),
        Twin<RolloutSpec>(ModelDeploymentCelRules.StepWeightsIncrease,
            r => r.Steps is null || r.Steps.Zip(r.Steps.Skip(1)).All(p => p.First.Weight < p.Second.Weight),
            r => "got " + string.Join(", ", (r.Steps ?? []).Select(s => s.Weight.ToString(CultureInfo.InvariantCulture)))),
        Twin<RolloutSpec>(ModelDeploymentCelRules.RecreateHasNoSteps,
            r => r.Strategy != RolloutSpec.Recreate || r.Steps is null || r.Steps.Count == 0),
    ];

    /// <summary>The CEL rules that have a C# twin; a unit test compares it with the rules on the types.</summary>
    public static IReadOnlySet<string> CheckedCelRules { get; } = Twins.Select(t => t.Rule).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<ValidationViolation> Validate(ModelDeployment md)
    {
        var violations = new List<ValidationViolation>();
        CheckCelRules(md, "metadata.name", violations);
        violations.AddRange(Validate(md.Spec));
        return violations;
    }

    public static IReadOnlyList<ValidationViolation> Validate(ModelDeploymentSpec? spec)
    {
        var violations = new List<ValidationViolation>();
        if (spec is null)
        {
            violations.Add(new ValidationViolation("spec", "required", "spec is required"));
            return violations;
        }

        Walk(spec, "spec", violations);
        CheckSemantics(spec, violations);
        return violations;
    }

    /// <summary>Rules a regular expression cannot say (the schema patterns already reject most of these).</summary>
    private static void CheckSemantics(ModelDeploymentSpec spec, List<ValidationViolation> violations)
    {
        // JSON null beats the C# initialisers, so even "required" objects may be null here.
        if (spec.Model is { Uri: { Length: > 0 } } && !ModelUri.TryParse(spec.Model.Uri, out _, out var error)
            && !violations.Any(v => v.Field == "spec.model.uri"))
        {
            violations.Add(new ValidationViolation("spec.model.uri", "uri", $"spec.model.uri {error}: \"{spec.Model.Uri}\""));
        }

        foreach (var (name, value) in Quantities(spec.Runtime?.Resources))
        {
            if (!Quantity.TryParse(value, out _))
            {
                violations.Add(new ValidationViolation(name, "quantity", $"{name} must be a quantity such as 500m, 2 or 1Gi, got \"{value}\""));
            }
        }
    }

    private static IEnumerable<(string Field, string Value)> Quantities(V1ResourceRequirements? resources)
    {
        foreach (var (prefix, map) in new[] { ("requests", resources?.Requests), ("limits", resources?.Limits) })
        {
            foreach (var (name, value) in map ?? new Dictionary<string, ResourceQuantity>())
            {
                yield return ($"spec.runtime.resources.{prefix}[{name}]", value?.ToString() ?? "");
            }
        }
    }

    private static void Walk(object value, string path, List<ValidationViolation> violations)
    {
        var type = value.GetType();
        foreach (var property in SchemaProperties(type))
        {
            var fieldPath = $"{path}.{JsonName(property)}";
            var fieldValue = property.GetValue(value);
            CheckField(property, fieldValue, fieldPath, violations);
            switch (fieldValue)
            {
                case IList list when IsApiType(ElementType(property.PropertyType)):
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is { } item)
                        {
                            Walk(item, $"{fieldPath}[{i}]", violations);
                        }
                    }

                    break;
                case { } child when IsApiType(child.GetType()):
                    Walk(child, fieldPath, violations);
                    break;
            }
        }

        CheckCelRules(value, path, violations);
    }

    private static void CheckCelRules(object value, string path, List<ValidationViolation> violations)
    {
        var type = value.GetType();
        foreach (var rule in CelRules.GetOrAdd(type, static t => [.. t.GetCustomAttributes<CelRuleAttribute>()]))
        {
            var twin = Twins.FirstOrDefault(t => t.Type == type && t.Rule == rule.Rule);
            if (twin is not null && !SafeHolds(twin, value))
            {
                var detail = SafeDetail(twin, value);
                violations.Add(new ValidationViolation(path, "cel: " + rule.Rule, detail is null ? rule.Message : $"{rule.Message} ({detail})"));
            }
        }
    }

    private static void CheckField(PropertyInfo property, object? value, string path, List<ValidationViolation> violations)
    {
        // A required string the user left out deserialises as "", not null.
        if (value is null || (value is "" && !IsNullableReference(property)))
        {
            if (Attribute<RequiredAttribute>(property) is not null)
            {
                violations.Add(new ValidationViolation(path, "required", $"{path} is required"));
            }

            return;
        }

        void Add(string rule, string message) => violations.Add(new ValidationViolation(path, rule, $"{path} {message}"));

        if (Attribute<MinimumAttribute>(property) is { } min && AsDouble(value) is { } n1 && n1 < min.Value)
        {
            Add($"minimum {Num(min.Value)}", $"must be at least {Num(min.Value)}, got {Num(n1)}");
        }

        if (Attribute<MaximumAttribute>(property) is { } max && AsDouble(value) is { } n2 && n2 > max.Value)
        {
            Add($"maximum {Num(max.Value)}", $"must be at most {Num(max.Value)}, got {Num(n2)}");
        }

        var text = value switch
        {
            string str => str,
            IntOrString ios when !IntOrStrings.TryGetInt(ios, out _) => ios.Value,
            _ => null,
        };
        if (value is IntOrString number && IntOrStrings.TryGetInt(number, out var seconds) && seconds < 0 && Attribute<DurationAttribute>(property) is not null)
        {
            Add("duration", $"must not be negative, got {value}");
        }

        if (text is not null)
        {
            if (Attribute<MinLengthAttribute>(property) is { } minLength && text.Length < minLength.Value)
            {
                Add($"minLength {minLength.Value}", $"must be at least {minLength.Value} characters long");
            }

            if (Attribute<MaxLengthAttribute>(property) is { } maxLength && text.Length > maxLength.Value)
            {
                Add($"maxLength {maxLength.Value}", $"must be at most {maxLength.Value} characters long, got {text.Length}");
            }

            if (Attribute<PatternAttribute>(property) is { } pattern && !Matches(text, pattern.Regex))
            {
                Add($"pattern {pattern.Regex}", $"must match {pattern.Regex}, got \"{text}\"");
            }

            if (Attribute<DurationAttribute>(property) is not null && !Matches(text, DurationAttribute.Pattern))
            {
                Add("duration", $"must be a duration such as 500ms, 30s or 2m, got \"{text}\"");
            }

            if (Attribute<EnumAttribute>(property) is { } allowed && !allowed.Values.Contains(text, StringComparer.Ordinal))
            {
                Add("enum", $"must be one of {string.Join(", ", allowed.Values)}, got \"{text}\"");
            }
        }

        if (value is ICollection collection && Attribute<MaxItemsAttribute>(property) is { } maxItems && collection.Count > maxItems.Value)
        {
            Add($"maxItems {maxItems.Value}", $"must have at most {maxItems.Value} items, got {collection.Count}");
        }
    }

    /// <summary>
    /// The patterns are ours and the text is the user's: the non-backtracking engine matches in time linear in the
    /// text, so no input can make it spin. (A 100 ms match timeout used to guard this; on a busy node it fired on
    /// valid values, and "10m" became an invalid progressDeadline that left the ModelDeployment stuck until its
    /// spec changed.)
    /// </summary>
    private static bool Matches(string text, string pattern) =>
        Patterns.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)).IsMatch(text);

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    private static bool SafeHolds(CelTwin twin, object value)
    {
        try
        {
            return twin.Holds(value);
        }
        catch (Exception)
        {
            // A twin that trips over an odd value (a null list item…) counts as a violation, never as a crash.
            return false;
        }
    }

    private static string? SafeDetail(CelTwin twin, object value)
    {
        try
        {
            return twin.Detail(value);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static CelTwin Twin<T>(string rule, Func<T, bool> holds, Func<T, string?>? detail = null) =>
        new(typeof(T), rule, o => holds((T)o), o => detail?.Invoke((T)o));

    private static double? AsDouble(object value) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        _ => null,
    };

    private static string Num(double d) => d.ToString("0.######", CultureInfo.InvariantCulture);

    private static bool IsNullableReference(PropertyInfo property) =>
        NullableReferences.GetOrAdd(property, static p => new NullabilityInfoContext().Create(p).ReadState == NullabilityState.Nullable);

    // Shared with the CRD generator so both see the same fields under the same names.
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The API types keep every member in the native binary: ILLink.Descriptors.xml roots their namespaces.")]
    internal static IEnumerable<PropertyInfo> SchemaProperties(Type type) =>
        Properties.GetOrAdd(type, static t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && Attribute<JsonIgnoreAttribute>(p) is null)
            .OrderBy(p => JsonName(p), StringComparer.Ordinal)]);

    internal static string JsonName(PropertyInfo property) =>
        JsonNames.GetOrAdd(property, static p => Attribute<JsonPropertyNameAttribute>(p)?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name));

    // Types and their attributes never change while the process runs, and every reconcile validates: reading them
    // through reflection each time cost about a tenth of the operator's CPU under load (bench-operator's profile).
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();
    private static readonly ConcurrentDictionary<PropertyInfo, string> JsonNames = new();
    private static readonly ConcurrentDictionary<PropertyInfo, bool> NullableReferences = new();
    private static readonly ConcurrentDictionary<Type, CelRuleAttribute[]> CelRules = new();
    private static readonly ConcurrentDictionary<(PropertyInfo Property, Type Attribute), Attribute?> Attributes = new();

    private static T? Attribute<T>(PropertyInfo property) where T : Attribute =>
        (T?)Attributes.GetOrAdd((property, typeof(T)), static key => key.Property.GetCustomAttribute(key.Attribute));

    internal static bool IsApiType(Type? type) => type is not null && type.Namespace == typeof(ModelDeploymentSpec).Namespace && type.IsClass;

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    internal static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
}
