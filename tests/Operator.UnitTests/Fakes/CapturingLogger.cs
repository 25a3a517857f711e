using Microsoft.Extensions.Logging;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>An ILoggerFactory/ILogger that records scopes and messages, for asserting what gets logged.</summary>
public sealed class CapturingLogger : ILogger, ILoggerFactory
{
    private readonly List<object> _scopes = [];
    private readonly List<(LogLevel Level, string Message)> _messages = [];

    public IReadOnlyList<object> Scopes
    {
        get
        {
            lock (_scopes)
            {
                return [.. _scopes];
            }
        }
    }

    public IReadOnlyList<(LogLevel Level, string Message)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull
    {
        lock (_scopes)
        {
            _scopes.Add(state);
        }

        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add((logLevel, formatter(state, exception)));
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
