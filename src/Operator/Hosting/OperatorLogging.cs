using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Templates;

namespace MlOperator.Operator.Hosting;

/// <summary>The operator's Serilog pipeline; <see cref="OperatorHost"/> hands it to the host with Serilog.Extensions.Hosting.</summary>
public static class OperatorLogging
{
    /// <summary>
    /// One flat JSON object per line: <c>time</c>, <c>level</c>, <c>logger</c>, <c>msg</c>, then every property
    /// (message arguments and logging-scope keys such as <c>resource</c> and <c>reconcileId</c>) at the top level, so
    /// log queries filter on them directly; <c>error</c> and <c>exception</c> when there is one. A property that
    /// would collide with one of those names appears with a leading underscore.
    /// </summary>
    public const string JsonTemplate =
        "{ {time: ToString(UtcDateTime(@t), 'yyyy-MM-ddTHH:mm:ss.fffZ'), level: " + LowerLevel + ", logger: SourceContext, msg: @m, "
        + "..rest(), _time: time, _level: level, _logger: logger, _msg: msg, _error: error, _exception: exception, "
        + "error: Inspect(@x).Message, exception: @x} }\n";

    /// <summary>
    /// For a human at a terminal: <c>12:00:01.234 INF Logger: message key=value …</c>, with the properties the
    /// message did not already show (scope keys such as <c>resource</c>) appended logfmt-style, and any exception below.
    /// </summary>
    public const string TextTemplate =
        "{ToString(@t, 'HH:mm:ss.fff')} {" + UpperLevel + "} {#if SourceContext is not null}{Substring(SourceContext, LastIndexOf(SourceContext, '.') + 1)}: {#end}"
        + "{@m}{#each name, value in rest(true)} {name}={#if TypeOf(value) <> 'System.String' or IsMatch(value, '^[^\\s\"=]+$')}{value}{#else}\"{value}\"{#end}{#end}\n"
        + "{#if @x is not null}{@x}{#end}";

    private const string LowerLevel =
        "if @l = 'Verbose' then 'trace' else if @l = 'Debug' then 'debug' else if @l = 'Information' then 'info' "
        + "else if @l = 'Warning' then 'warn' else if @l = 'Error' then 'error' else 'fatal'";

    private const string UpperLevel =
        "if @l = 'Verbose' then 'TRC' else if @l = 'Debug' then 'DBG' else if @l = 'Information' then 'INF' "
        + "else if @l = 'Warning' then 'WRN' else if @l = 'Error' then 'ERR' else 'FTL'";

    // The generic host logs a failed hosted service with its exception and stack; the top-level handler
    // reports those failures itself, in one line for the known causes.
    private const string HostInternals = "Microsoft.Extensions.Hosting.Internal.Host";

    public static ITextFormatter Formatter(LogFormat format) =>
        new ExpressionTemplate(format == LogFormat.Json ? JsonTemplate : TextTemplate, CultureInfo.InvariantCulture);

    public static Serilog.ILogger Create(LogFormat format, LogEventLevel level, TextWriter output) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Framework chatter (routing, per-request HTTP client lines) drowns the operator's own lines.
            .MinimumLevel.Override("Microsoft", Max(level, LogEventLevel.Warning))
            .MinimumLevel.Override("System.Net.Http", Max(level, LogEventLevel.Warning))
            .Filter.ByExcluding(e => e.Exception is not null && IsFrom(e, HostInternals))
            .Enrich.FromLogContext()
            .WriteTo.Sink(new TextWriterSink(output, Formatter(format)))
            .CreateLogger();

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;

    private static bool IsFrom(LogEvent logEvent, string sourceContext) =>
        logEvent.Properties.TryGetValue("SourceContext", out var value)
        && value is ScalarValue { Value: string source }
        && source == sourceContext;
}
