namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>Where a model comes from: opens its bytes, from an offset when the source can resume.</summary>
public interface IModelSource
{
    /// <summary>The URI as it may be logged: no credentials, no query string (presigned URLs carry signatures there).</summary>
    string Display { get; }

    /// <summary>
    /// The object's bytes from <paramref name="offset"/> on. <see cref="SourceStream.Offset"/> says where the stream
    /// really starts: 0 when the source cannot resume and sends everything again.
    /// </summary>
    Task<SourceStream> OpenAsync(long offset, CancellationToken cancellationToken);
}
