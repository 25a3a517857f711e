namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>s3rver: a real S3 API with SigV4 checks and range reads. Its one account is S3RVER / S3RVER.</summary>
public sealed class S3rverProcess(NodeServerProcess server) : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    public string Endpoint { get; } = $"http://127.0.0.1:{server.Port}";

    public static async Task<S3rverProcess> StartAsync(params string[] buckets) =>
        new(await NodeServerProcess.StartAsync("s3rver", Path.Combine("s3rver", "bin", "s3rver.js"), (port, directory) =>
            ["-d", directory, "-a", "127.0.0.1", "-p", port, "--silent", .. buckets.SelectMany(b => new[] { "--configure-bucket", b })]));

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
