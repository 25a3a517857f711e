using System.Text.RegularExpressions;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.UnitTests.Api;

/// <summary>ModelUri is the C# twin of the CRD's uri pattern: the two accept and refuse the same URIs.</summary>
public class ModelUriTests
{
    public static TheoryData<string, ModelUriKind?> Uris => new()
    {
        { "pvc://model-store/fraud/7/model.onnx", ModelUriKind.Pvc },
        { "file:///opt/models/m.onnx", ModelUriKind.File },
        { "https://models.example.com/m.onnx", ModelUriKind.Http },
        { "http://models.internal:8080/m.onnx?x=1", ModelUriKind.Http },
        { "https://account1.blob.core.windows.net/models/m.onnx", ModelUriKind.Http },
        { "s3://model-store/fraud/7/model.onnx", ModelUriKind.S3 },
        { "s3://model.store.example/m.onnx", ModelUriKind.S3 },
        { "gs://model_store/fraud/model.onnx", ModelUriKind.Gcs },
        { "az://models/fraud/7/model.onnx", ModelUriKind.AzureBlob },
        { "hf://acme/fraud-detector/onnx/model.onnx@v7", ModelUriKind.HuggingFace },
        { "hf://acme/fraud-detector/model.onnx", ModelUriKind.HuggingFace },
        { "hf://acme/fraud-detector/model.onnx@refs/pr/1", ModelUriKind.HuggingFace },
        { "ftp://models.example.com/m.onnx", null },
        { "https://user:secret@models.example.com/m.onnx", null },
        { "https://token@models.example.com/m.onnx", null },
        { "s3://model-store", null },
        { "s3://model-store/", null },
        { "s3://Model-Store/m.onnx", null },
        { "s3://-store/m.onnx", null },
        { "gs:///m.onnx", null },
        { "az://models", null },
        { "az://my_models/m.onnx", null },
        { "az://models/", null },
        { "hf://acme/fraud-detector", null },
        { "hf://acme/fraud-detector/", null },
        { "hf://acme/fraud-detector/model.onnx@", null },
        { "hf://acme//model.onnx", null },
        { "hf://acme/fraud@x/model.onnx", null },
        { "S3://model-store/m.onnx", null },
    };

    [Theory]
    [MemberData(nameof(Uris))]
    public void Parser_and_crd_pattern_agree(string uri, ModelUriKind? kind)
    {
        var parsed = ModelUri.TryParse(uri, out var result, out var error);

        Assert.Equal(kind is not null, parsed);
        Assert.Equal(parsed, Regex.IsMatch(uri, ModelSpec.UriPattern));
        if (parsed)
        {
            Assert.Equal(kind, result.Kind);
        }
        else
        {
            Assert.NotEmpty(error);
        }
    }

    [Theory]
    [InlineData("s3://model-store/fraud/7/model.onnx")]
    [InlineData("hf://acme/fraud-detector/model.onnx@v7")]
    [InlineData("az://models/m.onnx")]
    public void Fetched_uris_keep_the_whole_uri_for_the_init_container(string uri)
    {
        Assert.True(ModelUri.TryParse(uri, out var result, out _));

        Assert.True(result.IsFetched);
        Assert.Equal(uri, result.Url);
    }

    [Fact]
    public void Credentials_in_an_http_url_are_refused_with_a_pointer_to_the_secret()
    {
        Assert.False(ModelUri.TryParse("https://user:secret@models.example.com/m.onnx", out _, out var error));

        Assert.Contains("credentialsSecret", error);
        Assert.DoesNotContain("secret@", error);
    }
}
