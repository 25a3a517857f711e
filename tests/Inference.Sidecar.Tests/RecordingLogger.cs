using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>Keeps every formatted log line, to assert what an operator would read.</summary>
public sealed class RecordingLogger : ILogger<ModelHost>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        entries.Enqueue((logLevel, formatter(state, exception)));
}
