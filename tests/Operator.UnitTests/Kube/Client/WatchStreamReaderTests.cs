using System.Text;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public class WatchStreamReaderTests
{
    private const string Added = """{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"5"},"data":{"k":"v"}}}""";
    private const string Modified = """{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"6"}}}""";
    private const string Deleted = """{"type":"DELETED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"7"}}}""";
    private const string Bookmark = """{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"12"}}}""";

    private static async Task<List<WatchEvent<TestConfigMap>>> ReadAll(Stream stream)
    {
        var events = new List<WatchEvent<TestConfigMap>>();
        await foreach (var e in WatchStreamReader.ReadAsync<TestConfigMap>(stream, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task Decodes_each_line_and_ends_when_the_stream_closes_cleanly()
    {
        var events = await ReadAll(ChunkedStream.FromText($"{Added}\n{Modified}\n{Bookmark}\n{Deleted}\n"));

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("v", events[0].Object!.Data!["k"]);
        Assert.Equal("12", events[2].Object!.Metadata.ResourceVersion);
        Assert.Equal("7", events[3].Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Reassembles_lines_split_across_reads_at_every_byte()
    {
        var bytes = Encoding.UTF8.GetBytes($"{Added}\n{Bookmark}\n");
        var stream = new ChunkedStream(bytes.Select(b => new[] { b }));

        var events = await ReadAll(stream);

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.True(stream.Reads > bytes.Length);
    }

    [Fact]
    public async Task Reassembles_a_line_split_in_the_middle_of_a_string()
    {
        var events = await ReadAll(ChunkedStream.FromText(Added[..40], Added[40..] + "\n" + Modified[..10], Modified[10..] + "\n"));

        Assert.Equal(["5", "6"], events.Select(e => e.Object!.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Throws_gone_for_an_expired_resource_version()
    {
        var error = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (80)","reason":"Expired","code":410}}""";
        var seen = new List<WatchEventType>();

        var gone = await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var e in WatchStreamReader.ReadAsync<TestConfigMap>(ChunkedStream.FromText($"{Added}\n{error}\n{Modified}\n"), CancellationToken.None))
            {
                seen.Add(e.Type);
            }
        });

        Assert.Equal([WatchEventType.Added], seen);
        Assert.Equal("too old resource version: 5 (80)", gone.Message);
        Assert.Equal("Expired", gone.Reason);
    }

    [Fact]
    public async Task Throws_an_api_exception_for_other_error_events()
    {
        var error = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"internal error","reason":"InternalError","code":500}}""";

        var thrown = await Assert.ThrowsAsync<KubeApiException>(() => ReadAll(ChunkedStream.FromText(error + "\n")));

        Assert.Equal(500, thrown.StatusCode);
        Assert.Equal("internal error", thrown.Message);
    }

    [Fact]
    public async Task Skips_blank_lines_and_unknown_event_types()
    {
        var unknown = """{"type":"SOMETHING_NEW","object":{"metadata":{}}}""";

        var events = await ReadAll(ChunkedStream.FromText($"\n\r\n{unknown}\n  \n{Added}\r\n"));

        Assert.Equal(WatchEventType.Added, Assert.Single(events).Type);
    }

    [Fact]
    public async Task Accepts_a_last_event_without_a_newline()
    {
        var events = await ReadAll(ChunkedStream.FromText(Added));

        Assert.Single(events);
    }

    [Fact]
    public async Task A_stream_torn_inside_an_event_is_an_io_error()
    {
        await Assert.ThrowsAsync<IOException>(() => ReadAll(ChunkedStream.FromText($"{Added}\n{Modified[..30]}")));
    }

    [Fact]
    public async Task Decodes_the_object_even_when_it_comes_before_the_type()
    {
        var reordered = """{"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}},"type":"MODIFIED"}""";

        var e = Assert.Single(await ReadAll(ChunkedStream.FromText(reordered + "\n")));

        Assert.Equal(WatchEventType.Modified, e.Type);
        Assert.Equal("b", e.Object!.Metadata.Name);
    }

    [Fact]
    public async Task Stops_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var count = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in WatchStreamReader.ReadAsync<TestConfigMap>(ChunkedStream.FromText($"{Added}\n", $"{Modified}\n"), cts.Token))
            {
                count++;
                await cts.CancelAsync();
            }
        });

        Assert.Equal(1, count);
    }
}
