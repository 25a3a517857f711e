using System.Diagnostics.Metrics;
using System.Text;
using static MlOperator.Metrics.Tests.TestMeters;

namespace MlOperator.Metrics.Tests;

public sealed class PrometheusMeterBridgeTests
{
    [Fact]
    public void Counter_gets_total_suffix_help_type_and_one_line_per_tag_set()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<long>("requests", description: "Requests served.");

        counter.Add(2, Tag("code", "500"));
        counter.Add(1, Tag("code", "200"));
        counter.Add(2, Tag("code", "200"));

        Assert.Equal(
            """
            # HELP requests_total Requests served.
            # TYPE requests_total counter
            requests_total{code="500"} 2
            requests_total{code="200"} 3

            """, exporter.Collect());
    }

    [Fact]
    public void Counter_already_ending_in_total_keeps_its_name_and_dots_and_dashes_become_underscores()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateCounter<double>("mloperator.api-requests_total").Add(1.5);
        meter.CreateCounter<int>("9lives").Add(1);

        Assert.Equal(
            """
            # HELP mloperator_api_requests_total 
            # TYPE mloperator_api_requests_total counter
            mloperator_api_requests_total 1.5
            # HELP _9lives_total 
            # TYPE _9lives_total counter
            _9lives_total 1

            """, exporter.Collect());
    }

    [Fact]
    public void Counters_ignore_negative_and_nan_deltas()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<double>("monotonic");

        counter.Add(2);
        counter.Add(-1);
        counter.Add(double.NaN);

        Assert.Equal("# HELP monotonic_total \n# TYPE monotonic_total counter\nmonotonic_total 2\n", exporter.Collect());
    }

    [Fact]
    public void UpDownCounter_and_Gauge_render_as_gauges()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var depth = meter.CreateUpDownCounter<int>("queue_depth", description: "Items waiting.");
        var temperature = meter.CreateGauge<double>("temperature");
        depth.Add(5);
        depth.Add(-2);
        temperature.Record(20);
        temperature.Record(-3.25);

        Assert.Equal(
            """
            # HELP queue_depth Items waiting.
            # TYPE queue_depth gauge
            queue_depth 3
            # HELP temperature 
            # TYPE temperature gauge
            temperature -3.25

            """, exporter.Collect());
    }

    [Fact]
    public void Observable_instruments_report_their_latest_observation()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var total = 10L;
        meter.CreateObservableCounter("bytes_sent", () => total);
        meter.CreateObservableUpDownCounter("connections", () => new Measurement<int>(4, Tag("proto", "h2")));
        meter.CreateObservableGauge("leader", () => 1);

        exporter.Collect();
        total = 25;

        Assert.Equal(
            """
            # HELP bytes_sent_total 
            # TYPE bytes_sent_total counter
            bytes_sent_total 25
            # HELP connections 
            # TYPE connections gauge
            connections{proto="h2"} 4
            # HELP leader 
            # TYPE leader gauge
            leader 1

            """, exporter.Collect());
    }

    [Fact]
    public void Observable_series_disappear_when_the_callback_stops_reporting_them()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var names = new List<string> { "a", "b" };
        meter.CreateObservableGauge("phase", () => names.Select(n => new Measurement<int>(1, Tag("resource", n))));

        Assert.Contains("phase{resource=\"b\"} 1", exporter.Collect());
        names.Remove("b");

        Assert.Equal(
            """
            # HELP phase 
            # TYPE phase gauge
            phase{resource="a"} 1

            """, exporter.Collect());
    }

    [Fact]
    public void Histogram_uses_advised_buckets_cumulatively_with_inf_sum_and_count()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var latency = meter.CreateHistogram<double>("request.duration", "s", "Request latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1] });

        foreach (var value in new[] { 0.05, 0.1, 0.3, 0.7, 2.5 })
        {
            latency.Record(value, Tag("model", "mlp"));
        }

        Assert.Equal(
            """
            # HELP request_duration Request latency.
            # TYPE request_duration histogram
            request_duration_sum{model="mlp"} 3.65
            request_duration_count{model="mlp"} 5
            request_duration_bucket{model="mlp",le="0.1"} 2
            request_duration_bucket{model="mlp",le="0.5"} 3
            request_duration_bucket{model="mlp",le="1"} 4
            request_duration_bucket{model="mlp",le="+Inf"} 5

            """, exporter.Collect());
    }

    [Fact]
    public void Histogram_without_advice_uses_default_buckets_chosen_by_unit()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateHistogram<double>("in_seconds", "s").Record(0.2);
        meter.CreateHistogram<long>("batch_size").Record(3);

        var samples = ExpositionChecker.Check(exporter.Collect());

        Assert.Equal(
            ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"],
            samples.Where(s => s.Name == "in_seconds_bucket").Select(s => s.Labels["le"]));
        Assert.Equal(
            ["0", "5", "10", "25", "50", "75", "100", "250", "500", "750", "1000", "2500", "5000", "7500", "10000", "+Inf"],
            samples.Where(s => s.Name == "batch_size_bucket").Select(s => s.Labels["le"]));
    }

    [Fact]
    public void Label_values_and_help_are_escaped_and_label_names_sanitised()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<int>("escapes", description: "Back\\slash and\nnewline \"quoted\".");

        counter.Add(1, Tag("path", "C:\\dir\n\"x\""), Tag("http.route", "/v2"), Tag("1st", true));

        Assert.Equal(
            """
            # HELP escapes_total Back\\slash and\nnewline "quoted".
            # TYPE escapes_total counter
            escapes_total{_1st="true",http_route="/v2",path="C:\\dir\n\"x\""} 1

            """, exporter.Collect());
    }

    [Fact]
    public void Tag_order_does_not_split_a_series()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<int>("hits");

        counter.Add(1, Tag("a", "1"), Tag("b", "2"));
        counter.Add(1, Tag("b", "2"), Tag("a", "1"));
        counter.Add(1, Tag("a", "1"), Tag("b", "3"));

        Assert.Equal(
            """
            # HELP hits_total 
            # TYPE hits_total counter
            hits_total{a="1",b="2"} 2
            hits_total{a="1",b="3"} 1

            """, exporter.Collect());
    }

    [Fact]
    public void Special_values_are_written_as_prometheus_parses_them()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var gauge = meter.CreateGauge<double>("odd");
        gauge.Record(double.PositiveInfinity, Tag("v", "pos"));
        gauge.Record(double.NegativeInfinity, Tag("v", "neg"));
        gauge.Record(double.NaN, Tag("v", "nan"));
        gauge.Record(1e-7, Tag("v", "small"));

        Assert.Equal(
            """
            # HELP odd 
            # TYPE odd gauge
            odd{v="pos"} Infinity
            odd{v="neg"} -Infinity
            odd{v="nan"} NaN
            odd{v="small"} 1e-07

            """, exporter.Collect());
    }

    [Fact]
    public void Meter_and_instrument_tags_become_labels_on_every_series()
    {
        using var meter = Create([Tag("service", "sidecar")]);
        using var exporter = new TestExporter(meter.Name);
        meter.CreateCounter<int>("loads", null, null, [Tag("kind", "onnx")]).Add(1, Tag("model", "mlp"));

        Assert.Contains("loads_total{kind=\"onnx\",model=\"mlp\",service=\"sidecar\"} 1\n", exporter.Collect());
    }

    [Fact]
    public void Only_the_named_meters_are_exported()
    {
        using var mine = Create();
        using var other = Create();
        using var exporter = new TestExporter(mine.Name);
        mine.CreateCounter<int>("mine").Add(1);
        other.CreateCounter<int>("theirs").Add(1);

        Assert.Equal("# HELP mine_total \n# TYPE mine_total counter\nmine_total 1\n", exporter.Collect());
    }

    [Fact]
    public void Instruments_of_a_disposed_meter_record_no_more_and_keep_their_last_value()
    {
        var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<int>("gone", description: "Gone.");
        counter.Add(1);

        meter.Dispose();
        counter.Add(1);

        Assert.Equal("# HELP gone_total Gone.\n# TYPE gone_total counter\ngone_total 1\n", exporter.Collect());
    }

    [Fact]
    public void Instruments_without_measurements_are_not_rendered()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateCounter<int>("never");

        Assert.Equal("", exporter.Collect());
    }

    [Fact]
    public void Same_family_from_two_meters_gets_one_help_and_type()
    {
        using var first = Create();
        using var second = Create();
        using var exporter = new TestExporter(first.Name, second.Name);
        first.CreateCounter<int>("shared", description: "One.").Add(1, Tag("m", "1"));
        second.CreateCounter<int>("shared", description: "Two.").Add(1, Tag("m", "2"));

        var text = exporter.Collect();

        Assert.Single(text.Split('\n'), l => l.StartsWith("# TYPE shared_total", StringComparison.Ordinal));
        Assert.Single(text.Split('\n'), l => l.StartsWith("# HELP shared_total", StringComparison.Ordinal));
        Assert.Equal(2, ExpositionChecker.Check(text).Count);
    }

    [Fact]
    public void Tag_sets_beyond_the_cap_share_one_overflow_series()
    {
        using var meter = Create();
        using var exporter = new TestExporter([meter.Name], maxSeriesPerInstrument: 3);
        var counter = meter.CreateCounter<int>("by_user");

        for (var i = 0; i < 10; i++)
        {
            counter.Add(1, Tag("user", $"u{i}"));
        }

        var samples = ExpositionChecker.Check(exporter.Collect());
        Assert.Equal(4, samples.Count);
        Assert.Equal(7, samples.Single(s => s.Labels.ContainsKey("otel_metric_overflow")).Value);
        Assert.Equal(10, samples.Sum(s => s.Value));
    }

    [Fact]
    public void A_throwing_observable_callback_does_not_break_collection()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateObservableGauge("broken", (Func<int>)(() => throw new InvalidOperationException("boom")));
        meter.CreateObservableGauge("fine", () => 2);

        Assert.Equal("# HELP fine \n# TYPE fine gauge\nfine 2\n", exporter.Collect());
    }

    [Fact]
    public void Unicode_label_values_are_written_as_utf8()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateCounter<int>("unicode", description: "Unicode.").Add(1, Tag("name", "模型"));

        Assert.Equal("# HELP unicode_total Unicode.\n# TYPE unicode_total counter\nunicode_total{name=\"模型\"} 1\n", exporter.Collect());
    }

    [Fact]
    public void Concurrent_recording_from_many_threads_loses_nothing()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var counter = meter.CreateCounter<long>("ops");
        var sum = meter.CreateCounter<double>("weight");
        var histogram = meter.CreateHistogram<double>("size", null, null, null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });
        const int threads = 8;
        const int perThread = 50_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var shard = Tag("shard", i % 4);
                counter.Add(1, shard);
                sum.Add(0.5, shard);
                histogram.Record(i % 3, shard);
            }
        });

        var samples = ExpositionChecker.Check(exporter.Collect());
        Assert.All(samples.Where(s => s.Name == "ops_total"), s => Assert.Equal(threads * perThread / 4, s.Value));
        Assert.Equal(threads * perThread, samples.Where(s => s.Name == "ops_total").Sum(s => s.Value));
        Assert.Equal(threads * perThread * 0.5, samples.Where(s => s.Name == "weight_total").Sum(s => s.Value));
        Assert.Equal(threads * perThread, samples.Where(s => s.Name == "size_count").Sum(s => s.Value));
        // i % 3 is 0, 1 or 2: two thirds of the observations are <= 1.
        var perShardAtMostOne = samples.Where(s => s.Name == "size_bucket" && s.Labels["le"] == "1").Sum(s => s.Value);
        Assert.Equal(Enumerable.Range(0, perThread).Count(i => i % 3 <= 1) * threads, perShardAtMostOne);
    }

    [Fact]
    public void Everything_registered_together_parses_as_valid_exposition()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        ProcessMetrics.Register(meter);
        meter.CreateCounter<long>("a.b-c", "s", "Help with \\ and\nnewline.").Add(3, Tag("k", "v\"\n\\"));
        meter.CreateHistogram<int>("lat", "ms").Record(7, Tag("model", "m"));
        meter.CreateUpDownCounter<int>("depth").Add(-1);

        var samples = ExpositionChecker.Check(exporter.Collect());

        Assert.Contains(samples, s => s.Name == "process_cpu_seconds_total" && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "process_resident_memory_bytes" && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "process_start_time_seconds" && s.Value > 1_600_000_000);
        Assert.Contains(samples, s => s.Name == "dotnet_gc_heap_bytes" && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "dotnet_gc_collections_total" && s.Labels["generation"] == "0");
        Assert.Contains(samples, s => s.Name == "a_b_c_total" && s.Labels["k"] == "v\"\n\\");
    }

    [Fact]
    public void An_instrument_whose_name_another_type_holds_records_nothing_and_does_not_throw()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        meter.CreateGauge<int>("clash_total", description: "Gauge first.").Record(3);

        meter.CreateCounter<int>("clash").Add(1);

        Assert.Equal("# HELP clash_total Gauge first.\n# TYPE clash_total gauge\nclash_total 3\n", exporter.Collect());
    }
}
