using System.Diagnostics.Metrics;
using k8s.Models;
using MlOperator.Operator.Runtime;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Runtime.Controller;

public sealed class ControllerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeKubeClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly RecordingReconciler _reconciler = new();
    private readonly CapturingLogger _logger = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    public ControllerTests()
    {
        _client = new FakeKubeClient(_time);
        _informers = new SharedInformerFactory(_client, _time);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    [Fact]
    public async Task Success_forgets_the_key_and_does_not_requeue()
    {
        _client.Seed(Widget.Named("a"));
        var controller = await StartAsync(b => b.For<Widget>());

        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 1, "reconciled");
        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(20);

        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));
        Assert.Equal(0, controller.Queue!.NumRequeues(new ReconcileRequest("ns", "a")));
    }

    [Fact]
    public async Task An_error_retries_with_rate_limited_back_off_then_success_forgets()
    {
        _client.Seed(Widget.Named("a"));
        _reconciler.Behaviour = (_, n, _) => n <= 2 ? throw new InvalidOperationException("transient") : Task.FromResult(ReconcileResult.Done);
        var controller = await StartAsync(b => b.For<Widget>());
        var key = new ReconcileRequest("ns", "a");

        await Eventually.TrueAsync(() => controller.Queue!.NumRequeues(key) == 1 && _time.PendingTimers > 0, "first failure");
        _time.Advance(TimeSpan.FromMilliseconds(4));
        await Task.Delay(20);
        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => controller.Queue!.NumRequeues(key) == 2 && _time.PendingTimers > 0, "second failure");
        _time.Advance(TimeSpan.FromMilliseconds(10));

        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 3, "third attempt");
        await Eventually.TrueAsync(() => controller.Queue!.NumRequeues(key) == 0, "forgotten after success");
        Assert.Contains(_logger.Messages, m => m.Level == Microsoft.Extensions.Logging.LogLevel.Error && m.Message.Contains("retry 1"));
    }

    [Fact]
    public async Task A_terminal_error_is_logged_and_not_retried()
    {
        _client.Seed(Widget.Named("a"));
        _reconciler.Behaviour = (_, _, _) => throw new TerminalReconcileException("spec is invalid");
        var controller = await StartAsync(b => b.For<Widget>());

        await Eventually.TrueAsync(() => _logger.Messages.Any(m => m.Message.Contains("terminally")), "terminal logged");
        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(20);

        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));
        Assert.Equal(0, controller.Queue!.NumRequeues(new ReconcileRequest("ns", "a")));
    }

    [Fact]
    public async Task RequeueAfter_runs_again_after_exactly_that_delay()
    {
        _client.Seed(Widget.Named("a"));
        _reconciler.Behaviour = (_, n, _) => Task.FromResult(n == 1 ? ReconcileResult.After(TimeSpan.FromSeconds(30)) : ReconcileResult.Done);
        await StartAsync(b => b.For<Widget>());
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 1 && _time.PendingTimers > 0, "first pass");

        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(20);
        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 2, "requeued after 30 s");
    }

    [Fact]
    public async Task Requeue_uses_the_rate_limiter()
    {
        _client.Seed(Widget.Named("a"));
        _reconciler.Behaviour = (_, n, _) => Task.FromResult(n == 1 ? ReconcileResult.RequeueNow : ReconcileResult.Done);
        var controller = await StartAsync(b => b.For<Widget>());

        await Eventually.TrueAsync(() => controller.Queue!.NumRequeues(new ReconcileRequest("ns", "a")) == 1, "requeued with back-off");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 2, "second pass");
    }

    [Fact]
    public async Task A_child_change_enqueues_its_controller_owner_only()
    {
        var owner = _client.Seed(Widget.Named("owner"));
        var other = _client.Seed(Widget.Named("other"));
        await StartAsync(b => b.For<Widget>().Owns<WidgetPart>());
        await Eventually.TrueAsync(() => _reconciler.Calls.Count == 2, "initial reconciles");

        await _client.CreateAsync(WidgetPart.OwnedBy("part", owner));
        await _client.CreateAsync(WidgetPart.OwnedBy("not-controller", other, controller: false));
        var foreign = WidgetPart.OwnedBy("foreign", other);
        foreign.Metadata.OwnerReferences![0].Kind = "Deployment";
        foreign.Metadata.OwnerReferences![0].ApiVersion = "apps/v1";
        await _client.CreateAsync(foreign);

        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "owner") == 2, "owner woken by its child");
        await Task.Delay(50);
        Assert.Equal(1, _reconciler.CallsFor("ns", "other"));
        Assert.DoesNotContain(_reconciler.Calls, c => c.Name is "part" or "foreign" or "not-controller");
    }

    [Fact]
    public async Task Watches_maps_any_object_to_requests()
    {
        _client.Seed(Widget.Named("target"));
        await StartAsync(b => b.For<Widget>().Watches<V1Lease>(l => [new ReconcileRequest("ns", l.Metadata.Name!.Replace("lease-", ""))]));
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "target") == 1, "initial");

        await _client.CreateAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "lease-target", NamespaceProperty = "ns" } });

        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "target") == 2, "woken through the map");
    }

    [Fact]
    public async Task Watches_with_a_label_selector_gets_an_informer_of_its_own_that_lists_and_watches_only_matching_objects()
    {
        _client.Seed(Widget.Named("target"));
        _client.Seed(new V1Lease { Metadata = new V1ObjectMeta { Name = "lease-target", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["team"] = "a" } } });
        _client.Seed(new V1Lease { Metadata = new V1ObjectMeta { Name = "lease-other", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["team"] = "b" } } });
        var everything = _informers.GetInformer<V1Lease>("ns");

        await StartAsync(b => b.For<Widget>().Watches<V1Lease>(l => [new ReconcileRequest("ns", l.Metadata.Name!.Replace("lease-", ""))], "team=a"));
        var selected = _informers.GetInformer<V1Lease>("ns", "team=a");
        await everything.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "target") >= 1, "woken");

        Assert.NotSame(everything, selected);
        Assert.Same(selected, _informers.GetInformer<V1Lease>("ns", "team=a"));
        Assert.Equal(["lease-target"], selected.List().Select(l => l.Metadata.Name));
        Assert.Equal(2, everything.List().Count);
        Assert.Contains(_client.Calls, c => c is { Verb: "list", LabelSelector: "team=a" });
        // The informer opens its watch after its list has synced: on a loaded machine that can be after the reconcile above.
        await Eventually.TrueAsync(() => _client.Calls.Any(c => c is { Verb: "watch", LabelSelector: "team=a" }), "selected informer watching");
        Assert.Equal(0, _reconciler.CallsFor("ns", "other"));
    }

    [Fact]
    public async Task GenerationChanged_filter_ignores_metadata_only_updates()
    {
        _client.Seed(Widget.Named("a"));
        await StartAsync(b => b.For<Widget>(EventFilter.GenerationChanged));
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 1, "initial");

        var a = _client.Peek<Widget>("a", "ns")!;
        a.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };
        a = await _client.UpdateAsync(a);
        await Task.Delay(50);
        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));

        a.Spec = new() { ["v"] = "2" };
        await _client.UpdateAsync(a);
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 2, "spec change reconciled");
    }

    [Fact]
    public async Task Every_reconcile_runs_in_a_scope_with_the_resource_key_and_a_reconcile_id()
    {
        _client.Seed(Widget.Named("a"));
        await StartAsync(b => b.For<Widget>());
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 1, "reconciled");

        var scope = Assert.IsType<Dictionary<string, object>>(Assert.Single(_logger.Scopes));
        Assert.Equal("ns/a", scope["resource"]);
        Assert.Equal(8, ((string)scope["reconcileId"]).Length);
    }

    [Fact]
    public async Task A_key_is_never_reconciled_concurrently_even_with_many_workers()
    {
        var inFlight = 0;
        var overlapped = false;
        var release = new TaskCompletionSource();
        _reconciler.Behaviour = async (_, n, _) =>
        {
            overlapped |= Interlocked.Increment(ref inFlight) > 1;
            if (n == 1)
            {
                await release.Task;
            }

            Interlocked.Decrement(ref inFlight);
            return ReconcileResult.Done;
        };
        var a = _client.Seed(Widget.Named("a"));
        await StartAsync(b => b.For<Widget>().WithWorkers(4));
        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 1, "first pass running");

        a.Spec = new() { ["v"] = "2" };
        await _client.UpdateAsync(a);
        await Task.Delay(50);
        Assert.Equal(1, _reconciler.CallsFor("ns", "a"));
        release.SetResult();

        await Eventually.TrueAsync(() => _reconciler.CallsFor("ns", "a") == 2, "ran again after the first finished");
        Assert.False(overlapped);
    }

    [Fact]
    public async Task Records_reconcile_metrics_by_controller_and_result()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("n");
        var results = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == RuntimeMeter.Name && i.Name.StartsWith("controller_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(kv => kv.Key, kv => kv.Value);
            if ((string?)t["controller"] == name)
            {
                lock (results)
                {
                    results.Add(i.Name + (t.TryGetValue("result", out var r) ? ":" + r : ""));
                }
            }
        });
        listener.Start();
        _client.Seed(Widget.Named("a"));
        _reconciler.Behaviour = (_, n, _) => n == 1 ? throw new InvalidOperationException("x") : Task.FromResult(ReconcileResult.Done);

        await StartAsync(b => b.For<Widget>(), name);
        await Eventually.TrueAsync(() => _time.PendingTimers > 0, "retry armed");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => { lock (results) { return results.Count == 3; } }, "metrics");

        Assert.Equal(["controller_reconcile_total:error", "controller_reconcile_errors_total", "controller_reconcile_total:success"], results);
    }

    private async Task<ResourceController> StartAsync(Func<ControllerBuilder, ControllerBuilder> configure, string name = "test")
    {
        var controller = configure(new ControllerBuilder(name, _informers, _time, _logger, "ns")).Complete(_reconciler);
        _informers.Start(_stop.Token);
        _running.Add(_informers.WhenStoppedAsync());
        _running.Add(controller.RunAsync(_stop.Token));
        await Eventually.TrueAsync(() => controller.Queue is not null, "controller running");
        await controller.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);
        return controller;
    }
}
