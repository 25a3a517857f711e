using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace MlOperator.Metrics;

/// <summary>The aggregation of one instrument: its series by tag set, and how to render them.</summary>
internal sealed class InstrumentState
{
    private static readonly KeyValuePair<string, object?>[] OverflowTags = [new("otel_metric_overflow", "true")];

    private readonly ConcurrentDictionary<TagKey, Series> _series = new(TagKeyComparer.Instance);
    private readonly ConcurrentDictionary<TagKey, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly KeyValuePair<string, object?>[] _constantTags;
    private readonly int _maxSeries;
    private Series? _untagged;
    private Series? _overflow;
    private int _seriesCount;

    public InstrumentState(Instrument instrument, string familyName, string type, Aggregation aggregation,
        bool isObservable, double[] upperBounds, int maxSeries)
    {
        Instrument = instrument;
        FamilyName = familyName;
        Type = type;
        Aggregation = aggregation;
        IsObservable = isObservable;
        UpperBounds = upperBounds;
        _maxSeries = maxSeries;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        // Meter- and instrument-level tags become labels on every series of the instrument.
        _constantTags = [.. instrument.Meter.Tags ?? [], .. instrument.Tags ?? []];
    }

    public Instrument Instrument { get; }

    public string FamilyName { get; }

    /// <summary>The Prometheus type: counter, gauge or histogram.</summary>
    public string Type { get; }

    public Aggregation Aggregation { get; }

    public bool IsObservable { get; }

    public double[] UpperBounds { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        switch (Aggregation)
        {
            case Aggregation.Sum:
                series.Add(value);
                break;
            case Aggregation.LastValue:
                series.Set(value);
                break;
            default:
                series.Observe(value, UpperBounds);
                break;
        }
    }

    /// <summary>Observable instruments report every series on each collection; dropping the old ones forgets vanished tag sets.</summary>
    public void Reset()
    {
        _series.Clear();
        Volatile.Write(ref _untagged, null);
        Volatile.Write(ref _overflow, null);
        Volatile.Write(ref _seriesCount, 0);
    }

    private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Volatile.Read(ref _untagged) ?? Publish(ref _untagged, NewSeries([]));
        }

        return _lookup.TryGetValue(tags, out var series) ? series : Add(tags);
    }

    private Series Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A cap keeps a flood of distinct tag values (user-controlled input) from exhausting memory.
        if (Volatile.Read(ref _seriesCount) >= _maxSeries)
        {
            return Volatile.Read(ref _overflow) ?? Publish(ref _overflow, NewSeries(OverflowTags));
        }

        var key = new TagKey(tags.ToArray());
        var created = NewSeries(key.Tags);
        var series = _series.GetOrAdd(key, created);
        if (ReferenceEquals(series, created))
        {
            Interlocked.Increment(ref _seriesCount);
        }

        return series;
    }

    /// <summary>First writer wins, so two threads racing on a new series record into the same one.</summary>
    private static Series Publish(ref Series? field, Series created) =>
        Interlocked.CompareExchange(ref field, created, null) ?? created;

    private Series NewSeries(KeyValuePair<string, object?>[] tags) =>
        new(RenderLabels(tags), Aggregation == Aggregation.Histogram ? UpperBounds.Length + 1 : 0);

    private string RenderLabels(KeyValuePair<string, object?>[] tags)
    {
        if (tags.Length == 0 && _constantTags.Length == 0)
        {
            return "";
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in _constantTags.Concat(tags))
        {
            var name = PrometheusText.SanitizeLabelName(tag.Key);
            // "le" belongs to histogram buckets; a tag of that name would corrupt them.
            if (Aggregation == Aggregation.Histogram && name == "le")
            {
                name = "_le";
            }

            labels[name] = PrometheusText.EscapeLabelValue(PrometheusText.FormatTagValue(tag.Value));
        }

        return string.Join(",", labels.Select(pair => $"{pair.Key}=\"{pair.Value}\""));
    }

    public bool HasSeries => Volatile.Read(ref _untagged) is not null || !_series.IsEmpty || Volatile.Read(ref _overflow) is not null;

    public void WriteSamples(StringBuilder output)
    {
        var all = new List<Series>(_series.Values);
        if (Volatile.Read(ref _untagged) is { } untagged)
        {
            all.Add(untagged);
        }

        if (Volatile.Read(ref _overflow) is { } overflow)
        {
            all.Add(overflow);
        }

        all.Sort((left, right) => string.CompareOrdinal(left.Labels, right.Labels));
        foreach (var series in all)
        {
            if (Aggregation == Aggregation.Histogram)
            {
                WriteHistogram(output, series);
            }
            else
            {
                WriteSample(output, FamilyName, series.Labels, null, series.Value);
            }
        }
    }

    private void WriteHistogram(StringBuilder output, Series series)
    {
        var bucketName = FamilyName + "_bucket";
        long cumulative = 0;
        for (var i = 0; i <= UpperBounds.Length; i++)
        {
            cumulative += series.BucketCount(i);
            var le = i < UpperBounds.Length ? PrometheusText.FormatDouble(UpperBounds[i]) : "+Inf";
            WriteSample(output, bucketName, series.Labels, le, cumulative);
        }

        WriteSample(output, FamilyName + "_sum", series.Labels, null, series.Value);
        WriteSample(output, FamilyName + "_count", series.Labels, null, cumulative);
    }

    private static void WriteSample(StringBuilder output, string name, string labels, string? le, double value)
    {
        output.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            output.Append('{').Append(labels);
            if (le is not null)
            {
                output.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(PrometheusText.FormatDouble(value)).Append('\n');
    }
}
