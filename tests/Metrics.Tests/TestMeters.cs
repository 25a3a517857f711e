using System.Diagnostics.Metrics;

namespace MlOperator.Metrics.Tests;

/// <summary>Every test gets its own meter name, so exporters in parallel tests never see each other's instruments.</summary>
public static class TestMeters
{
    public static Meter Create(IEnumerable<KeyValuePair<string, object?>>? tags = null) =>
        new($"test.{Guid.NewGuid():N}", version: null, tags);

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
