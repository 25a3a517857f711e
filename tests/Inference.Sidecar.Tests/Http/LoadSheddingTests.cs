using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class LoadSheddingTests
{
    private const string Body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";

    [Fact]
    public async Task Past_the_inflight_and_queue_limits_requests_get_503_with_retry_after_and_then_recover()
    {
        await using var sidecar = new SidecarFactory("mlp", new Dictionary<string, string>
        {
            ["MLOP_MAX_INFLIGHT"] = "1",
            ["MLOP_MAX_QUEUE"] = "1",
        });
        var client = await sidecar.ReadyClientAsync();
        var admission = sidecar.Services.GetRequiredService<AdmissionControl>();
        var metrics = sidecar.Services.GetRequiredService<SidecarMetrics>();

        // Occupy the only in-flight slot, then the only queue place, as two slow requests would.
        var running = await admission.EnterAsync(CancellationToken.None);
        Assert.NotNull(running);
        var waiting = admission.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, metrics.QueueDepth);
        Assert.Equal(1, metrics.Inflight);

        using var shed = await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(Body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("1", shed.Headers.RetryAfter?.ToString());
        Assert.Contains("overloaded: 1 requests in flight and 1 waiting", await shed.Content.ReadAsStringAsync());

        running.Dispose();
        (await waiting)!.Dispose();
        Assert.Equal(0, metrics.QueueDepth);
        Assert.Equal(0, metrics.Inflight);
        using var ok = await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(Body));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Queued_requests_are_served_in_arrival_order_as_slots_free_up()
    {
        var options = new MlOperator.Inference.Sidecar.Options.SidecarOptions { ModelPath = "unused", MaxInflight = 2, MaxQueue = 10 };
        using var admission = new AdmissionControl(options, new SidecarMetrics(new TestMeterFactory()));
        var first = await admission.EnterAsync(CancellationToken.None);
        var second = await admission.EnterAsync(CancellationToken.None);
        var third = admission.EnterAsync(CancellationToken.None).AsTask();
        var fourth = admission.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted || fourth.IsCompleted);
        first!.Dispose();
        Assert.NotNull(await third);
        Assert.False(fourth.IsCompleted);
        second!.Dispose();
        Assert.NotNull(await fourth);
    }

    [Fact]
    public async Task A_request_stops_counting_for_the_batcher_once_its_inference_is_done_but_stays_in_flight()
    {
        var options = new MlOperator.Inference.Sidecar.Options.SidecarOptions { ModelPath = "unused", MaxInflight = 2, MaxQueue = 10 };
        var metrics = new SidecarMetrics(new TestMeterFactory());
        using var admission = new AdmissionControl(options, metrics);
        var slot = (await admission.EnterAsync(CancellationToken.None))!;
        Assert.Equal((1, 1), (metrics.Inflight, metrics.AwaitingInference));

        slot.InferenceFinished();
        slot.InferenceFinished(); // idempotent
        Assert.Equal((1, 0), (metrics.Inflight, metrics.AwaitingInference));

        slot.Dispose();
        var failed = (await admission.EnterAsync(CancellationToken.None))!;
        failed.Dispose(); // a request that never reached inference (an error) releases both counts
        Assert.Equal((0, 0), (metrics.Inflight, metrics.AwaitingInference));
    }

    [Fact]
    public async Task Under_contention_no_more_than_max_inflight_are_ever_admitted_and_every_waiter_gets_in()
    {
        var options = new MlOperator.Inference.Sidecar.Options.SidecarOptions { ModelPath = "unused", MaxInflight = 3, MaxQueue = 1000 };
        var metrics = new SidecarMetrics(new TestMeterFactory());
        using var admission = new AdmissionControl(options, metrics);
        var inside = 0;
        var most = 0;
        var admitted = 0;

        await Parallel.ForAsync(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            Assert.True(admission.TryEnter() || await admission.WaitAsync(ct));
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            if (i % 64 == 0)
            {
                await Task.Yield();
            }

            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref admitted);
            admission.Exit(inferencePending: true);
        });

        Assert.Equal(20_000, admitted);
        Assert.InRange(most, 1, 3);
        Assert.Equal((0, 0, 0), (metrics.Inflight, metrics.AwaitingInference, metrics.QueueDepth));
        Assert.True(admission.TryEnter(), "every slot is free again");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
