using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MlOperator.Inference.Sidecar.Fetch;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>s3:// against s3rver, a real S3 API on loopback, through the endpoint and path-style settings MinIO/Ceph/R2 use.</summary>
public sealed class S3FetchTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("s3-fetch-tests-").FullName;
    private readonly byte[] model = RandomNumberGenerator.GetBytes(200_000);
    private S3rverProcess s3 = null!;

    public async Task InitializeAsync()
    {
        s3 = await S3rverProcess.StartAsync("models");
        try
        {
            await UploadAsync();
        }
        catch
        {
            await DisposeAsync(); // xunit does not dispose a class whose InitializeAsync failed: never leave s3rver running
            throw;
        }
    }

    private async Task UploadAsync()
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
            new AmazonS3Config
            {
                ServiceURL = s3.Endpoint,
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, // s3rver predates aws-chunked uploads
            });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "models", Key = "fraud/7/model.onnx", InputStream = new MemoryStream(model), UseChunkEncoding = false });
    }

    public async Task DisposeAsync()
    {
        await s3.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private string Dest => Path.Combine(directory, "model.onnx");

    private string Sha => Convert.ToHexStringLower(SHA256.HashData(model));

    private Task<(int Code, string Output, string Error)> FetchAsync(string accessKey, string secret, params string[] args) =>
        RunAsync(new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secret,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = s3.Endpoint,
        }, args);

    private static async Task<(int Code, string Output, string Error)> RunAsync(Dictionary<string, string> environment, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await FetchCommand.RunAsync(args, output, error, time: new FakeTimeProvider(), environment: name => environment.GetValueOrDefault(name));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Fetches_an_s3_object_from_a_custom_endpoint_verifying_the_sha256()
    {
        var (code, _, error) = await FetchAsync(S3rverProcess.AccessKey, S3rverProcess.SecretKey, "s3://models/fraud/7/model.onnx", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task A_partial_file_left_by_an_interrupted_fetch_is_resumed_with_a_byte_range()
    {
        await File.WriteAllBytesAsync(Dest + ".partial", model.AsSpan(0, 80_000).ToArray());
        var (code, output, error) = await FetchAsync(S3rverProcess.AccessKey, S3rverProcess.SecretKey, "s3://models/fraud/7/model.onnx", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Contains("resuming at byte 80000", output);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task Gs_uris_go_through_the_s3_interoperable_api_with_hmac_keys()
    {
        // Cloud Storage's XML API speaks S3; s3rver stands in for storage.googleapis.com through the endpoint override.
        var (code, _, error) = await FetchAsync(S3rverProcess.AccessKey, S3rverProcess.SecretKey, "gs://models/fraud/7/model.onnx", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public void A_gs_uri_defaults_to_the_cloud_storage_interoperability_endpoint()
    {
        Assert.Equal("https://storage.googleapis.com", S3ModelSource.GcsInteropEndpoint);
        Assert.Equal("gs://bucket/a/b.onnx", new S3ModelSource("gs://bucket/a/b.onnx", _ => null).Display);
    }

    [Fact]
    public async Task A_missing_object_exits_1_with_one_line_naming_the_uri()
    {
        var (code, _, error) = await FetchAsync(S3rverProcess.AccessKey, S3rverProcess.SecretKey, "s3://models/fraud/8/model.onnx", Dest);
        Assert.Equal(1, code);
        Assert.StartsWith("error: fetch s3://models/fraud/8/model.onnx: S3 404 NoSuchKey", error.Trim());
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(Dest));
    }

    [Fact]
    public async Task Bad_credentials_are_access_denied_and_never_printed()
    {
        var (code, output, error) = await FetchAsync("AKIAWRONGKEY", "not-the-secret-key", "s3://models/fraud/7/model.onnx", Dest);
        Assert.Equal(1, code);
        Assert.Contains("error: fetch s3://models/fraud/7/model.onnx: S3 403", error);
        Assert.Contains("access denied", error);
        Assert.DoesNotContain("not-the-secret-key", output + error);
        Assert.False(File.Exists(Dest));
    }
}
