namespace MlOperator.Metrics;

/// <summary>One time series (instrument + tag set). Updates are lock-free; readers see each field atomically.</summary>
internal sealed class Series(string labels, int bucketCount)
{
    private readonly long[] _buckets = bucketCount == 0 ? [] : new long[bucketCount];
    private double _value;

    /// <summary>Rendered label pairs without braces, e.g. <c>code="200",model="mlp"</c>; empty when there are none.</summary>
    public string Labels { get; } = labels;

    public double Value => Volatile.Read(ref _value);

    public ReadOnlySpan<long> Buckets => _buckets;

    public void Add(double delta)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + delta, current);
            // Compare bits, not values: NaN never equals itself and would spin forever.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    /// <summary>Buckets hold non-cumulative counts; the last one is +Inf. Rendering accumulates them.</summary>
    public void Observe(double value, double[] upperBounds)
    {
        int index;
        if (double.IsNaN(value))
        {
            index = upperBounds.Length;
        }
        else
        {
            index = upperBounds.AsSpan().BinarySearch(value);
            if (index < 0)
            {
                index = ~index;
            }
        }

        Interlocked.Increment(ref _buckets[index]);
        Add(value);
    }

    public long BucketCount(int index) => Volatile.Read(ref _buckets[index]);
}
