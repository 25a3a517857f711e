using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

/// <summary>
/// Seeded random inputs: nothing a client sends may crash the emulator, and the pipeline's own laws hold
/// (pruning and defaulting are idempotent, canonical quantities are fixed points).
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string[] Types = ["object", "array", "string", "integer", "number", "boolean"];
    private static readonly string[] Keys = ["a", "b", "spec", "metadata", "kind", "apiVersion", "x.y", "name"];

    [Fact]
    public void Random_objects_and_schemas_never_throw_and_prune_and_default_are_idempotent()
    {
        var random = new Random(1234);
        for (var i = 0; i < 150; i++)
        {
            var schema = StructuralSchema.Parse(RandomSchema(random, 0));
            var obj = RandomValue(random, 0) as JsonObject ?? new JsonObject { ["a"] = RandomValue(random, 1) };

            SchemaPruner.Prune(obj, schema);
            Assert.Empty(SchemaPruner.Prune(obj, schema));

            SchemaDefaulter.Apply(obj, schema);
            var once = obj.DeepClone();
            SchemaDefaulter.Apply(obj, schema);
            Assert.True(JsonNode.DeepEquals(once, obj));

            Assert.NotNull(SchemaValidator.Validate(obj, schema));
            _ = JsonPathEvaluator.Evaluate(obj, RandomPath(random));
            _ = TableConverter.ToTable([obj], [new PrinterColumn("C", Types[random.Next(Types.Length)], RandomPath(random))], "1", DateTimeOffset.UnixEpoch);
        }
    }

    [Fact]
    public void Canonical_quantities_are_fixed_points_and_keep_their_value()
    {
        var random = new Random(99);
        const string alphabet = "0123456789.+-eEinumkKMGTP ";
        var valid = 0;
        for (var i = 0; i < 20000; i++)
        {
            var length = random.Next(1, 8);
            var text = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (!Quantity.TryCanonicalize(text, out var canonical))
            {
                continue;
            }

            valid++;
            Assert.True(Quantity.TryCanonicalize(canonical, out var again), $"{text} -> {canonical} does not parse");
            Assert.Equal(canonical, again);
            if (Quantity.TryParse(text, out var before) && Quantity.TryParse(canonical, out var after))
            {
                Assert.Equal(before, after);
            }
        }

        Assert.True(valid > 500, $"only {valid} valid quantities generated");
    }

    private static JsonObject RandomSchema(Random random, int depth)
    {
        var schema = new JsonObject();
        var type = Types[random.Next(Types.Length)];
        if (random.Next(10) > 0)
        {
            schema["type"] = depth == 0 ? "object" : type;
        }

        if (random.Next(6) == 0) schema["x-kubernetes-preserve-unknown-fields"] = true;
        if (random.Next(8) == 0) schema["x-kubernetes-int-or-string"] = true;
        if (random.Next(8) == 0) schema["nullable"] = true;
        if (random.Next(8) == 0) schema["x-kubernetes-embedded-resource"] = true;
        if (random.Next(5) == 0) schema["default"] = RandomValue(random, 3);
        if (random.Next(6) == 0) schema["enum"] = new JsonArray(RandomValue(random, 3), RandomValue(random, 3));
        if (random.Next(6) == 0) schema["minimum"] = random.Next(-5, 5);
        if (random.Next(6) == 0) schema["maxLength"] = random.Next(0, 4);
        if (random.Next(6) == 0) schema["pattern"] = random.Next(2) == 0 ? "^[a-z]+$" : "([";
        if (random.Next(6) == 0) schema["format"] = random.Next(2) == 0 ? "date-time" : "int32";
        if (random.Next(6) == 0) schema["maxItems"] = random.Next(0, 3);
        if (random.Next(6) == 0) schema["required"] = new JsonArray("a", "spec");
        if (random.Next(5) == 0) schema["x-kubernetes-list-type"] = random.Next(2) == 0 ? "set" : "map";
        if (random.Next(5) == 0) schema["x-kubernetes-list-map-keys"] = new JsonArray("name");
        if (depth < 3)
        {
            var properties = new JsonObject();
            foreach (var key in Keys.Where(_ => random.Next(3) == 0))
            {
                properties[key] = RandomSchema(random, depth + 1);
            }

            schema["properties"] = properties;
            if (random.Next(4) == 0) schema["items"] = RandomSchema(random, depth + 1);
            if (random.Next(6) == 0) schema["additionalProperties"] = random.Next(3) == 0 ? true : RandomSchema(random, depth + 1);
        }

        return schema;
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 6 : 9))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(-3, 1000));
            case 2: return JsonValue.Create(random.NextDouble() * 10);
            case 3: return JsonValue.Create(random.Next(2) == 0 ? "abc" : "2026-11-22T03:00:00Z");
            case 4: return JsonValue.Create(random.Next(2) == 0);
            case 5: return random.Next(2) == 0 ? JsonValue.Create('c') : JsonValue.Create(Guid.Empty);
            case 6:
            case 7:
                var obj = new JsonObject();
                foreach (var key in Keys.Where(_ => random.Next(3) == 0))
                {
                    obj[key] = RandomValue(random, depth + 1);
                }

                return obj;
            default:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth + 1));
                }

                return array;
        }
    }

    private static string RandomPath(Random random) => random.Next(6) switch
    {
        0 => ".spec.a",
        1 => "{.a[*].name}",
        2 => ".b[?(@.name==\"x\")].a",
        3 => "..name",
        4 => ".a[-1:]",
        _ => "[[[",
    };
}
