using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// One flat JSON object per line: <c>time</c>, <c>level</c>, <c>logger</c>, <c>msg</c>, then every property
/// (message arguments and logging-scope keys such as <c>resource</c> and <c>reconcileId</c>) at the top level, so
/// log queries can filter on them directly. Serilog.Formatting.Compact is not available here.
/// </summary>
public sealed class JsonLogFormatter : ITextFormatter
{
    private static readonly HashSet<string> Reserved = ["time", "level", "logger", "msg", "error", "exception"];

    private readonly JsonValueFormatter _values = new(typeTagName: null);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write("{\"time\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        output.Write("\",\"level\":\"");
        output.Write(LevelName(logEvent.Level));
        output.Write('"');
        if (logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string logger })
        {
            output.Write(",\"logger\":");
            JsonValueFormatter.WriteQuotedJsonString(logger, output);
        }

        output.Write(",\"msg\":");
        JsonValueFormatter.WriteQuotedJsonString(RenderMessage(logEvent), output);
        foreach (var (name, value) in logEvent.Properties)
        {
            if (name == "SourceContext")
            {
                continue;
            }

            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(Reserved.Contains(name) ? "_" + name : name, output);
            output.Write(':');
            _values.Format(value, output);
        }

        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"error\":");
            JsonValueFormatter.WriteQuotedJsonString(exception.Message, output);
            output.Write(",\"exception\":");
            JsonValueFormatter.WriteQuotedJsonString(exception.ToString(), output);
        }

        output.Write("}\n");
    }

    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "trace",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>Like Serilog's rendering, but strings appear without quotes (the <c>:l</c> format) — easier to read in a message.</summary>
    internal static string RenderMessage(LogEvent logEvent)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
            {
                writer.Write(text);
            }
            else
            {
                token.Render(logEvent.Properties, writer, CultureInfo.InvariantCulture);
            }
        }

        return writer.ToString();
    }
}
