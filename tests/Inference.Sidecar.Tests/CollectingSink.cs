using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>Collects the sidecar's log events (the sidecar's Serilog pipeline reads sinks from DI).</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public IReadOnlyList<LogEvent> Events => [.. events];

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);
}
