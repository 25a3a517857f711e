using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>
/// <c>s3://bucket/key</c> through AWSSDK.S3. Credentials and region from the SDK's standard variables
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, <c>AWS_REGION</c>), else the SDK's
/// default chain (web identity / IRSA, instance profile). <c>AWS_ENDPOINT_URL_S3</c> (or <c>AWS_ENDPOINT_URL</c>) points
/// at MinIO, Ceph, R2 or a GCS interoperability endpoint, and then addressing is path-style, which all of them take.
/// Resumes with a byte range. <c>gs://bucket/object</c> goes the same way to Cloud Storage's S3-interoperable XML API
/// (<c>https://storage.googleapis.com</c>, HMAC keys in the AWS variables), unless an endpoint is set explicitly.
/// </summary>
public sealed class S3ModelSource : IModelSource
{
    private readonly IAmazonS3 client;
    private readonly string bucket;
    private readonly string key;

    public const string GcsInteropEndpoint = "https://storage.googleapis.com";

    public S3ModelSource(string uri, Func<string, string?> environment)
    {
        var scheme = uri[..uri.IndexOf("://", StringComparison.Ordinal)];
        var rest = uri[(scheme.Length + 3)..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new FetchException($"a {scheme}:// URI needs a bucket and an object key, e.g. {scheme}://models/fraud/7/model.onnx", retryable: false);
        }

        bucket = rest[..slash];
        key = rest[(slash + 1)..];
        Display = $"{scheme}://{bucket}/{key}";
        var region = environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") ?? "us-east-1";
        var config = new AmazonS3Config { MaxErrorRetry = 0 }; // ModelFetcher retries, with resume; the SDK's would restart from zero
        var endpoint = environment("AWS_ENDPOINT_URL_S3") ?? environment("AWS_ENDPOINT_URL") ?? (scheme == "gs" ? GcsInteropEndpoint : null);
        if (endpoint is { Length: > 0 })
        {
            // ServiceURL and RegionEndpoint exclude each other: the region only signs requests to a custom endpoint.
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
            config.ForcePathStyle = true;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        client = environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } accessKey
            ? new AmazonS3Client(environment("AWS_SESSION_TOKEN") is { Length: > 0 } token
                ? new SessionAWSCredentials(accessKey, environment("AWS_SECRET_ACCESS_KEY") ?? "", token)
                : new BasicAWSCredentials(accessKey, environment("AWS_SECRET_ACCESS_KEY") ?? ""), config)
            : new AmazonS3Client(config);
    }

    public string Display { get; }

    public async Task<SourceStream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        if (offset > 0)
        {
            request.ByteRange = new ByteRange($"bytes={offset}-");
        }

        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
        {
            return await OpenAsync(0, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            var code = (int)e.StatusCode;
            throw new FetchException(code switch
            {
                404 => $"S3 404 {e.ErrorCode}: no such bucket or object",
                401 or 403 => $"S3 {code} {e.ErrorCode}: access denied (check the credentials)",
                _ => $"S3 {code} {e.ErrorCode}",
            }, retryable: code is 408 or 429 or >= 500);
        }
        catch (AmazonServiceException e)
        {
            throw new FetchException($"cannot reach S3: {e.Message}", retryable: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new FetchException($"cannot reach S3: {e.Message}", retryable: true, e);
        }

        var partial = response.HttpStatusCode == HttpStatusCode.PartialContent;
        var total = partial ? TotalFromContentRange(response.ContentRange) : response.ContentLength;
        return new SourceStream(new OwningStream(response.ResponseStream, response), partial ? offset : 0, total);
    }

    /// <summary>"bytes 100-199/200" → 200.</summary>
    private static long? TotalFromContentRange(string? range) =>
        range is not null && range.LastIndexOf('/') is var slash and > 0 && long.TryParse(range[(slash + 1)..], out var total) ? total : null;
}
