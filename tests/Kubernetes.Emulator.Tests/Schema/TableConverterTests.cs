using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class TableConverterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly PrinterColumn[] Columns =
    [
        new("Model", "string", ".spec.model.name"),
        new("Replicas", "integer", ".spec.replicas", Description: "Desired replicas"),
        new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
        new("Weight", "number", ".status.weight", Priority: 1),
        new("Paused", "boolean", ".spec.paused"),
        new("Age", "date", ".metadata.creationTimestamp"),
    ];

    private static JsonObject Item(string name, string created, string specJson, string statusJson) => Q($$"""
        {'apiVersion':'serving.mloperator.io/v1alpha1','kind':'ModelDeployment',
         'metadata':{'name':'{{name}}','namespace':'default','creationTimestamp':'{{created}}','resourceVersion':'7'},
         'spec':{{specJson}},'status':{{statusJson}}}
        """);

    [Fact]
    public void Builds_columns_and_cells_like_kube()
    {
        var items = new[]
        {
            Item("a", "2026-11-22T11:55:00Z", "{'model':{'name':'resnet'},'replicas':3.7,'paused':true}", "{'conditions':[{'type':'Ready','status':'True'}],'weight':25}"),
            Item("b", "2026-11-20T09:00:00Z", "{'model':{'name':7}}", "{}"),
        };

        var table = TableConverter.ToTable(items, Columns, "42", Now);

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", table["apiVersion"]!.GetValue<string>());
        Assert.Equal("42", table["metadata"]!["resourceVersion"]!.GetValue<string>());
        var definitions = table["columnDefinitions"]!.AsArray();
        Assert.Equal(["Name", "Model", "Replicas", "Ready", "Weight", "Paused", "Age"], definitions.Select(d => d!["name"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(
            Q("""{'name':'Model','type':'string','format':'','description':'Custom resource definition column (in JSONPath format): .spec.model.name','priority':0}"""),
            definitions[1]));
        Assert.Equal("name", definitions[0]!["format"]!.GetValue<string>());
        Assert.Equal("Desired replicas", definitions[2]!["description"]!.GetValue<string>());
        Assert.Equal(1, definitions[4]!["priority"]!.GetValue<int>());

        var rows = table["rows"]!.AsArray();
        Assert.Equal("""["a","resnet",3,"True",25,true,"5m"]""", rows[0]!["cells"]!.ToJsonString());
        Assert.Equal("""["b","7",null,null,null,null,"2d3h"]""", rows[1]!["cells"]!.ToJsonString());
    }

    [Fact]
    public void Gives_a_crd_without_columns_name_and_age()
    {
        var table = TableConverter.ToTable([Item("a", "2026-11-22T11:59:30Z", "{}", "{}")], [], "1", Now);

        var definitions = table["columnDefinitions"]!.AsArray();
        Assert.Equal(["Name", "Age"], definitions.Select(d => d!["name"]!.GetValue<string>()));
        Assert.Equal("date", definitions[1]!["type"]!.GetValue<string>());
        Assert.Equal("""["a","30s"]""", table["rows"]![0]!["cells"]!.ToJsonString());
    }

    [Fact]
    public void Does_not_append_age_to_a_crd_with_its_own_columns()
    {
        var table = TableConverter.ToTable([], [new PrinterColumn("Model", "string", ".spec.model.name")], "1", Now);

        Assert.Equal(["Name", "Model"], table["columnDefinitions"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
        Assert.Empty(table["rows"]!.AsArray());
    }

    [Theory]
    [InlineData("Metadata", """{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","namespace":"default","creationTimestamp":"2026-11-22T11:00:00Z","resourceVersion":"7"}}""")]
    [InlineData("None", "null")]
    public void Includes_the_row_object_as_asked(string includeObject, string expected)
    {
        var table = TableConverter.ToTable([Item("a", "2026-11-22T11:00:00Z", "{}", "{}")], [], "1", Now, includeObject);

        Assert.Equal(expected, table["rows"]![0]!["object"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Sends_null_column_definitions_without_headers()
    {
        var table = TableConverter.ToTable([Item("a", "2026-11-22T11:00:00Z", "{}", "{}")], Columns, "5", Now, noHeaders: true);

        Assert.True(table.ContainsKey("columnDefinitions"));
        Assert.Null(table["columnDefinitions"]);
        Assert.Equal(7, table["rows"]![0]!["cells"]!.AsArray().Count);
    }

    [Fact]
    public void Includes_the_whole_object_for_Object()
    {
        var item = Item("a", "2026-11-22T11:00:00Z", "{'replicas':2}", "{}");

        var table = TableConverter.ToTable([item], [], "1", Now, "Object");

        Assert.True(JsonNode.DeepEquals(item, table["rows"]![0]!["object"]));
        Assert.NotSame(item, table["rows"]![0]!["object"]);
    }

    [Fact]
    public void Prints_non_string_values_in_string_columns_as_text()
    {
        var columns = new[] { new PrinterColumn("Spec", "string", ".spec"), new PrinterColumn("Ratio", "string", ".spec.ratio"), new PrinterColumn("Date", "date", ".spec.when") };

        var table = TableConverter.ToTable([Item("a", "2026-11-22T11:00:00Z", "{'b':1,'a':'<x>','ratio':0.5,'when':'2026-11-22'}", "{}")], columns, "1", Now);

        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.GetValue<string>());
        Assert.Equal(["a", """{"a":"\u003cx\u003e","b":1,"ratio":0.5,"when":"2026-11-22"}""", "0.5", "<invalid>"], cells);
    }

    [Fact]
    public void Reads_printer_columns_from_a_crd_version()
    {
        var version = Q("""
            {'name':'v1alpha1','additionalPrinterColumns':[
              {'name':'Ready','type':'string','jsonPath':'.status.ready','priority':1,'description':'d','format':'f'},
              {'name':'broken'}]}
            """);

        Assert.Equal([new PrinterColumn("Ready", "string", ".status.ready", "f", "d", 1)], TableConverter.ColumnsFromCrdVersion(version));
    }

    [Theory]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(330, "5m30s")]
    [InlineData(600, "10m")]
    [InlineData(179 * 60, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(7 * 3600 + 59 * 60, "7h59m")]
    [InlineData(8 * 3600 + 59 * 60, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(50 * 3600, "2d2h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(731 * 86400, "2y1d")]
    [InlineData(8 * 365 * 86400, "8y")]
    public void Humanizes_ages_like_kube(long seconds, string expected) =>
        Assert.Equal(expected, TableConverter.HumanDuration(TimeSpan.FromSeconds(seconds)));
}
