using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class SchemaValidatorTests
{
    private static readonly StructuralSchema Schema = ModelDeploymentSchema();

    public static TheoryData<string, string, string, string> SingleErrors => new()
    {
        { """{"replicas":"3"}""", FieldError.TypeInvalid, "spec.replicas", "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"" },
        { """{"replicas":2.5}""", FieldError.TypeInvalid, "spec.replicas", "Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"" },
        { """{"replicas":null}""", FieldError.TypeInvalid, "spec.replicas", "Invalid value: \"null\": spec.replicas in body must be of type integer: \"null\"" },
        { """{"replicas":0}""", FieldError.Invalid, "spec.replicas", "Invalid value: 0: spec.replicas in body should be greater than or equal to 1" },
        { """{"replicas":101}""", FieldError.Invalid, "spec.replicas", "Invalid value: 101: spec.replicas in body should be less than or equal to 100" },
        { """{"strategy":"Blue"}""", FieldError.NotSupported, "spec.strategy", "Unsupported value: \"Blue\": supported values: \"Canary\", \"Recreate\"" },
        { """{"model":{"uri":"s3://x"}}""", FieldError.Required, "spec.model.name", "Required value" },
        { """{"model":{"name":"Bad_Name","uri":"s3://x"}}""", FieldError.Invalid, "spec.model.name", "Invalid value: \"Bad_Name\": spec.model.name in body should match '^[a-z0-9-]+$'" },
        { "{\"model\":{\"name\":\"" + new string('a', 64) + "\",\"uri\":\"s3://x\"}}", FieldError.TooLong, "spec.model.name", "Too long: may not be more than 63 bytes" },
        { """{"model":{"name":"m","uri":""}}""", FieldError.Invalid, "spec.model.uri", "Invalid value: \"\": spec.model.uri in body should be at least 1 chars long" },
        { """{"rollout":{"steps":[{"weight":10},{"weight":150}]}}""", FieldError.Invalid, "spec.rollout.steps[1].weight", "Invalid value: 150: spec.rollout.steps[1].weight in body should be less than or equal to 100" },
        { """{"rollout":{"steps":[{"weight":10},{}]}}""", FieldError.Required, "spec.rollout.steps[1].weight", "Required value" },
        { """{"rollout":{"steps":[{"weight":1},{"weight":2},{"weight":3},{"weight":4}]}}""", FieldError.TooMany, "spec.rollout.steps", "Too many: 4: must have at most 3 items" },
        { """{"rollout":{"maxSurge":true}}""", FieldError.TypeInvalid, "spec.rollout.maxSurge", "Invalid value: \"boolean\": spec.rollout.maxSurge in body must be of type integer,string: \"boolean\"" },
        { """{"resources":{"cpu":[1]}}""", FieldError.TypeInvalid, "spec.resources.cpu", "Invalid value: \"array\": spec.resources.cpu in body must be of type integer,string: \"array\"" },
        { """{"labels":{"app":5}}""", FieldError.TypeInvalid, "spec.labels.app", "Invalid value: \"integer\": spec.labels.app in body must be of type string: \"integer\"" },
        { """{"tags":["a","b","a","a"]}""", FieldError.Duplicate, "spec.tags[2]", "Duplicate value: \"a\"" },
        { """{"ports":[{"name":"http","port":80},{"name":"http","port":81}]}""", FieldError.Duplicate, "spec.ports[1]", "Duplicate value: map[string]interface {}{\"name\":\"http\"}" },
        { """{"startAt":"yesterday"}""", FieldError.TypeInvalid, "spec.startAt", "Invalid value: \"yesterday\": spec.startAt in body must be of type date-time: \"yesterday\"" },
        { """{"startAt":5}""", FieldError.TypeInvalid, "spec.startAt", "Invalid value: \"int64\": spec.startAt in body must be of type date-time: \"int64\"" },
        { """{"startAt":["x"]}""", FieldError.TypeInvalid, "spec.startAt", "Invalid value: \"array\": spec.startAt in body must be of type string: \"array\"" },
        { """{"ratio":0}""", FieldError.Invalid, "spec.ratio", "Invalid value: 0: spec.ratio in body should be greater than 0" },
        { """{"ratio":-0.5}""", FieldError.Invalid, "spec.ratio", "Invalid value: -0.5: spec.ratio in body should be greater than 0" },
        { """{"template":{"apiVersion":"v1","spec":{}}}""", FieldError.Required, "spec.template.kind", "Required value: must not be empty" },
        { """{"template":{"apiVersion":"v1","kind":""}}""", FieldError.Invalid, "spec.template.kind", "Invalid value: \"\": must not be empty" },
        { """{"template":{"apiVersion":"v1","kind":"Pod","spec":{"a":1}}}""", FieldError.TypeInvalid, "spec.template.spec.a", "Invalid value: \"integer\": spec.template.spec.a in body must be of type string: \"integer\"" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Reports_kube_reason_field_and_message(string spec, string reason, string field, string message)
    {
        var errors = SchemaValidator.Validate(Resource(spec), Schema);

        var error = Assert.Single(errors);
        Assert.Equal(new FieldError(reason, field, message), error);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"replicas":2.0}""")]
    [InlineData("""{"replicas":3,"strategy":"Recreate","note":null}""")]
    [InlineData("""{"rollout":{"maxSurge":1,"steps":[{"weight":0},{"weight":100,"pause":"5m"}]}}""")]
    [InlineData("""{"resources":{"cpu":"500m","memory":1024}}""")]
    [InlineData("""{"tags":["a","b"],"ports":[{"name":"http"},{"name":"grpc"}]}""")]
    [InlineData("""{"startAt":"2026-11-22T03:00:00Z","ratio":0.1}""")]
    [InlineData("""{"extra":{"anything":{"goes":[1,"x",true]}}}""")]
    [InlineData("""{"unknownField":"pruned, not rejected"}""")]
    [InlineData("""{"template":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"t"},"spec":{"a":"b"}}}""")]
    public void Accepts_valid_objects(string spec) => Assert.Empty(SchemaValidator.Validate(Resource(spec), Schema));

    [Fact]
    public void Reports_required_fields_after_property_errors_as_kube_openapi_does()
    {
        var obj = Resource("""{"replicas":0}""");
        obj["spec"]!.AsObject().Remove("model");

        Assert.Equal(
            [
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                "spec.model: Required value",
            ],
            SchemaValidator.Validate(obj, Schema).Select(e => e.ToString()));
    }

    [Fact]
    public void Reports_every_error_in_document_order()
    {
        var errors = SchemaValidator.Validate(Resource("""{"replicas":0,"strategy":"Blue","model":{"name":"ok"}}"""), Schema);

        Assert.Equal(
            [
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                "spec.strategy: Unsupported value: \"Blue\": supported values: \"Canary\", \"Recreate\"",
                "spec.model.uri: Required value",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Reports_a_non_object_list_map_item_twice_as_kube_does()
    {
        // The OpenAPI pass and the list-type pass both see the bad item.
        var errors = SchemaValidator.Validate(Resource("""{"ports":["http"]}"""), Schema);

        Assert.Equal(
            [
                "spec.ports[0]: Invalid value: \"string\": spec.ports[0] in body must be of type object: \"string\"",
                "spec.ports[0]: Invalid value: \"http\": must be an object for an array of list-type map",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Reports_a_missing_required_object()
    {
        var obj = Resource("{}");
        obj["spec"]!.AsObject().Remove("model");

        var error = Assert.Single(SchemaValidator.Validate(obj, Schema));
        Assert.Equal(new FieldError(FieldError.Required, "spec.model", "Required value"), error);
    }

    [Fact]
    public void Checks_only_the_type_of_metadata_apiVersion_and_kind()
    {
        var obj = Resource("{}");
        obj["metadata"] = "not-an-object";
        obj["kind"] = 5;

        var errors = SchemaValidator.Validate(obj, Schema);

        Assert.Equal(
            [
                new FieldError(FieldError.TypeInvalid, "kind", "Invalid value: \"integer\": kind in body must be of type string: \"integer\""),
                new FieldError(FieldError.TypeInvalid, "metadata", "Invalid value: \"string\": metadata in body must be of type object: \"string\""),
            ],
            errors);
    }

    [Fact]
    public void Ignores_cel_rules()
    {
        Assert.NotNull(Schema.Properties["spec"].Validations);
        Assert.Empty(SchemaValidator.Validate(Resource("""{"replicas":100}"""), Schema));
    }

    [Fact]
    public void Reports_duplicate_compound_set_items_and_multi_key_maps()
    {
        var schema = StructuralSchema.Parse(Q("""
            {'type':'object','properties':{
              'set':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'object','x-kubernetes-preserve-unknown-fields':true}},
              'map':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['a','b'],
                     'items':{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'},'c':{'type':'string'}}}}}}
            """));
        var obj = Q("""{'set':[{'x':1},{'x':2},{'x':1}],'map':[{'a':'p','b':1,'c':'x'},{'a':'p','b':2},{'b':1,'a':'p'}]}""");

        Assert.Equal(
            [
                "set[2]: Duplicate value: map[string]interface {}{\"x\":1}",
                "map[2]: Duplicate value: map[string]interface {}{\"a\":\"p\", \"b\":1}",
            ],
            SchemaValidator.Validate(obj, schema).Select(e => e.ToString()));
    }

    [Fact]
    public void Renders_enum_values_and_bad_values_like_go()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'n':{'type':'number','enum':[1,2.5]},'o':{'type':'object','enum':[{'a':1}]}}}"""));

        var errors = SchemaValidator.Validate(Q("""{'n':3.25,'o':{'b':'<x>'}}"""), schema);

        Assert.Equal(
            [
                "n: Unsupported value: 3.25: supported values: \"1\", \"2.5\"",
                "o: Unsupported value: map[string]interface {}{\"b\":\"<x>\"}: supported values: \"{\\\"a\\\":1}\"",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Survives_hostile_input()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'s':{'type':'string','pattern':'(a+)+$'},'bad':{'type':'string','pattern':'(['}}}"""));
        var obj = new JsonObject { ["s"] = new string('a', 5000) + "!", ["bad"] = "x" };

        var errors = SchemaValidator.Validate(obj, schema);

        Assert.Equal("s", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("date-time", "2026-11-22T03:00:00Z", true)]
    [InlineData("date-time", "2026-11-22T03:00:00.123456+02:00", true)]
    [InlineData("date-time", "2026-11-22t03:00:00z", false)]
    [InlineData("date-time", "2026-11-22 03:00:00", true)]
    [InlineData("date-time", "2026-13-22T03:00:00Z", false)]
    [InlineData("date-time", "2026-11-22", false)]
    [InlineData("date", "2026-11-22", true)]
    [InlineData("date", "2026-02-30", false)]
    [InlineData("byte", "aGVsbG8=", true)]
    [InlineData("byte", "not base64!", false)]
    [InlineData("uuid", "123e4567-e89b-12d3-a456-426614174000", true)]
    [InlineData("uuid", "123e4567", false)]
    [InlineData("ipv4", "10.0.0.1", true)]
    [InlineData("ipv4", "10.0.0", false)]
    [InlineData("cidr", "10.0.0.0/8", true)]
    [InlineData("cidr", "10.0.0.0", false)]
    // kube strips formats it does not support before validating: these never fail
    [InlineData("int32", "not a number", true)]
    [InlineData("made-up", "anything", true)]
    public void Checks_string_formats_kube_supports(string format, string value, bool valid)
    {
        var schema = StructuralSchema.Parse(Q("{'type':'object','properties':{'v':{'type':'string','format':'" + format + "'}}}"));

        var errors = SchemaValidator.Validate(new JsonObject { ["v"] = value }, schema);

        Assert.Equal(valid, errors.Count == 0);
    }

    [Theory]
    [InlineData("^[a-z]+$", "abc", true)]
    [InlineData("^[a-z]+$", "abc\n", false)]
    [InlineData(@"^\d+$", "12", true)]
    [InlineData(@"^\d+$", "١٢", false)]
    [InlineData(@"^[\d.]+$", "1.2", true)]
    [InlineData(@"^\w+$", "é", false)]
    [InlineData(@"^\$[0-9]+$", "$12", true)]
    [InlineData(@"^[]a]+$", "]a", true)]
    [InlineData("(?m)^a$", "a\nb", true)]
    public void Matches_patterns_with_go_semantics(string pattern, string value, bool valid)
    {
        var schema = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["v"] = new JsonObject { ["type"] = "string", ["pattern"] = pattern } } };

        var errors = SchemaValidator.Validate(new JsonObject { ["v"] = value }, StructuralSchema.Parse(schema));

        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void Does_not_range_check_int32_like_kube()
    {
        Assert.Empty(SchemaValidator.Validate(Resource("""{"rollout":{"steps":[{"weight":1}]},"replicas":99}"""), Schema));
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'n':{'type':'integer','format':'int32'}}}"""));
        Assert.Empty(SchemaValidator.Validate(Q("""{'n':9999999999}"""), schema));
    }

    [Fact]
    public void Reads_the_schema_of_a_crd_version()
    {
        var version = new JsonObject { ["name"] = "v1alpha1", ["schema"] = new JsonObject { ["openAPIV3Schema"] = Obj(ModelDeploymentSchemaJson) } };

        var schema = StructuralSchema.FromCrdVersion(version);

        Assert.NotNull(schema);
        Assert.Equal("integer", schema.Properties["spec"].Properties["replicas"].Type);
        Assert.Null(StructuralSchema.FromCrdVersion(new JsonObject { ["name"] = "v1" }));
    }

    [Fact]
    public void Parses_tolerantly()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':5,'properties':{'a':'not a schema','b':{'maxLength':'x','required':[1,'c'],'enum':'no'}},'additionalProperties':true}"""));

        Assert.Null(schema.Type);
        Assert.Equal(["b"], schema.Properties.Keys);
        Assert.Null(schema.Properties["b"].MaxLength);
        Assert.Equal(["c"], schema.Properties["b"].Required);
        Assert.True(schema.AdditionalPropertiesAllowed);
    }
}
