using Serilog;
using Serilog.Events;
using Serilog.Formatting;

namespace MlOperator.Operator.Hosting;

public static class OperatorLogging
{
    // The generic host logs a failed hosted service with its exception and stack; the top-level handler
    // reports those failures itself, in one line for the known causes.
    private const string HostInternals = "Microsoft.Extensions.Hosting.Internal.Host";

    public static Serilog.ILogger Create(LogFormat format, LogEventLevel level, TextWriter output)
    {
        ITextFormatter formatter = format == LogFormat.Json
            ? new JsonLogFormatter()
            : new TextLogFormatter();
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Framework chatter (routing, per-request HTTP client lines) drowns the operator's own lines.
            .MinimumLevel.Override("Microsoft", Max(level, LogEventLevel.Warning))
            .MinimumLevel.Override("System.Net.Http", Max(level, LogEventLevel.Warning))
            .Filter.ByExcluding(e => e.Exception is not null && IsFrom(e, HostInternals))
            .Enrich.FromLogContext()
            .WriteTo.Sink(new TextWriterSink(output, formatter))
            .CreateLogger();
    }

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;

    private static bool IsFrom(LogEvent logEvent, string sourceContext) =>
        logEvent.Properties.TryGetValue("SourceContext", out var value)
        && value is ScalarValue { Value: string source }
        && source == sourceContext;
}
