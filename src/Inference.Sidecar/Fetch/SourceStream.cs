namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>An open download: the stream, the offset it starts at and the object's total length when known.</summary>
public sealed record SourceStream(Stream Stream, long Offset, long? TotalLength) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
