using k8s.Models;
using MlOperator.Operator.Runtime.Events;
using MlOperator.Operator.UnitTests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.UnitTests.Runtime.Events;

public sealed class EventRecorderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeKubeClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Widget _widget;
    private Task _run = Task.CompletedTask;

    public EventRecorderTests()
    {
        _client = new FakeKubeClient(_time);
        _widget = _client.Seed(Widget.Named("w"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    [Fact]
    public async Task Repeats_are_aggregated_into_one_event_with_count_and_lastTimestamp()
    {
        var recorder = Start();

        recorder.Warning(_widget, "QuotaExceeded", "needs 2 GPUs, 1 left");
        await Eventually.TrueAsync(() => Events().Count == 1, "created");
        _time.Advance(TimeSpan.FromSeconds(30));
        recorder.Warning(_widget, "QuotaExceeded", "needs 2 GPUs, 1 left");
        recorder.Warning(_widget, "QuotaExceeded", "needs 2 GPUs, 1 left");
        await Eventually.TrueAsync(() => Events().FirstOrDefault()?.Count == 3, "aggregated");

        var e = Assert.Single(Events());
        Assert.Equal("Warning", e.Type);
        Assert.Equal("QuotaExceeded", e.Reason);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, e.LastTimestamp);
        Assert.Equal((_time.GetUtcNow() - TimeSpan.FromSeconds(30)).UtcDateTime, e.FirstTimestamp);
        Assert.Equal(_widget.Metadata.Uid, e.InvolvedObject.Uid);
        Assert.Equal("Widget", e.InvolvedObject.Kind);
        Assert.Equal("ml-operator", e.Source!.Component);
        Assert.Equal("ml-operator", e.ReportingComponent);
        Assert.Equal("ns", e.Metadata.NamespaceProperty);
        Assert.Matches("^w\\.[0-9a-f]+$", e.Metadata.Name);
        Assert.Equal(2, _client.CountCalls("patch", "events"));
    }

    [Fact]
    public async Task Different_messages_or_types_are_separate_events()
    {
        var recorder = Start();

        recorder.Normal(_widget, "Scaled", "to 2");
        recorder.Normal(_widget, "Scaled", "to 3");
        recorder.Warning(_widget, "Scaled", "to 3");

        await Eventually.TrueAsync(() => Events().Count == 3, "three events");
        Assert.Equal(3, Events().Select(e => e.Metadata.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_repeat_of_an_expired_event_creates_a_new_one()
    {
        var recorder = Start();
        recorder.Normal(_widget, "Ready", "ok");
        await Eventually.TrueAsync(() => Events().Count == 1, "created");
        await _client.DeleteAsync<Corev1Event>(Events()[0].Metadata.Name!, "ns");

        recorder.Normal(_widget, "Ready", "ok");

        await Eventually.TrueAsync(() => Events().Count == 1, "recreated");
        Assert.Equal(1, Events()[0].Count);
    }

    [Fact]
    public void A_full_buffer_drops_and_counts_instead_of_blocking()
    {
        var recorder = new EventRecorder(_client, new EventRecorderOptions { Capacity = 2 }, _time, NullLogger.Instance);

        for (var i = 0; i < 5; i++)
        {
            recorder.Normal(_widget, "Spam", $"n{i}");
        }

        Assert.Equal(3, recorder.DroppedCount);
    }

    [Fact]
    public void A_full_buffer_counts_every_writer_s_waiting_events_together()
    {
        var recorder = new EventRecorder(_client, new EventRecorderOptions { Capacity = 3, Writers = 4 }, _time, NullLogger.Instance);

        for (var i = 0; i < 8; i++)
        {
            recorder.Normal(Widget.Named($"w{i}"), "Spam", "n");
        }

        Assert.Equal(5, recorder.DroppedCount);
    }

    [Fact]
    public async Task A_slow_write_for_one_object_does_not_hold_back_events_about_others()
    {
        const int writers = 4;
        var slow = _client.Seed(Widget.Named("slow"));
        var others = Enumerable.Range(0, 50).Select(i => _client.Seed(Widget.Named($"other-{i}")))
            .Where(w => EventRecorder.WriterFor(w.Metadata.Uid!, writers) != EventRecorder.WriterFor(slow.Metadata.Uid!, writers)).Take(3).ToList();
        var sameWriter = Enumerable.Range(0, 50).Select(i => _client.Seed(Widget.Named($"same-{i}")))
            .First(w => EventRecorder.WriterFor(w.Metadata.Uid!, writers) == EventRecorder.WriterFor(slow.Metadata.Uid!, writers));
        var release = _client.HoldCreates("slow.");
        var recorder = new EventRecorder(_client, new EventRecorderOptions { Writers = writers }, _time, NullLogger.Instance);
        _run = recorder.RunAsync(_stop.Token);

        recorder.Normal(slow, "First", "held by the server");
        recorder.Normal(sameWriter, "Second", "queued behind it: one object's writer keeps order");
        foreach (var other in others)
        {
            recorder.Normal(other, "Other", "written meanwhile");
        }

        await Eventually.TrueAsync(() => Events().Count(e => e.Reason == "Other") == others.Count, "the other objects' events");
        Assert.DoesNotContain(Events(), e => e.Reason is "First" or "Second");

        release.SetResult();
        await Eventually.TrueAsync(() => Events().Count == others.Count + 2, "the held writer's events");
        Assert.Equal(3, others.Count);
    }

    [Fact]
    public async Task API_failures_are_logged_and_do_not_stop_the_recorder()
    {
        var recorder = Start();
        _client.FailNext("create", FakeKubeClient.ServerError());

        recorder.Normal(_widget, "Lost", "first");
        recorder.Normal(_widget, "Kept", "second");

        await Eventually.TrueAsync(() => Events().Count == 1, "second recorded");
        Assert.Equal("Kept", Events()[0].Reason);
    }

    [Fact]
    public async Task Events_about_cluster_scoped_objects_go_to_default()
    {
        var recorder = Start();
        var clusterScoped = new Widget { Metadata = new V1ObjectMeta { Name = "node-1", Uid = "u1" }, Kind = "Node", ApiVersion = "v1" };

        recorder.Normal(clusterScoped, "Seen", "hello");

        await Eventually.TrueAsync(() => _client.Peek<Corev1Event>(Names("default").FirstOrDefault() ?? "-", "default") is not null, "recorded");
    }

    private IEnumerable<string> Names(string ns) =>
        _client.ListAsync<Corev1Event>(ns).Result.Items.Select(e => e.Metadata.Name!);

    private List<Corev1Event> Events() => [.. _client.ListAsync<Corev1Event>("ns").Result.Items];

    private EventRecorder Start()
    {
        var recorder = new EventRecorder(_client, new EventRecorderOptions(), _time, NullLogger.Instance);
        _run = recorder.RunAsync(_stop.Token);
        return recorder;
    }
}
