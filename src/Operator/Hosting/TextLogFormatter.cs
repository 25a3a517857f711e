using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// For a human at a terminal: <c>12:00:01.234 INF Logger: message key=value …</c>, with the properties the message
/// did not already show (scope keys such as <c>resource</c>) appended logfmt-style, and any exception below.
/// </summary>
public sealed class TextLogFormatter : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Timestamp.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture));
        output.Write(' ');
        output.Write(Abbreviation(logEvent.Level));
        output.Write(' ');
        if (logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string logger })
        {
            output.Write(logger[(logger.LastIndexOf('.') + 1)..]);
            output.Write(": ");
        }

        output.Write(JsonLogFormatter.RenderMessage(logEvent));
        var shown = logEvent.MessageTemplate.Tokens.OfType<PropertyToken>().Select(t => t.PropertyName).ToHashSet();
        foreach (var (name, value) in logEvent.Properties)
        {
            if (name == "SourceContext" || shown.Contains(name))
            {
                continue;
            }

            output.Write(' ');
            output.Write(name);
            output.Write('=');
            if (value is ScalarValue { Value: string text })
            {
                if (text.Length > 0 && !text.Any(c => char.IsWhiteSpace(c) || c is '"' or '='))
                {
                    output.Write(text);
                }
                else
                {
                    JsonValueFormatter.WriteQuotedJsonString(text, output);
                }
            }
            else
            {
                value.Render(output, null, CultureInfo.InvariantCulture);
            }
        }

        output.Write('\n');
        if (logEvent.Exception is { } exception)
        {
            output.Write(exception.ToString());
            output.Write('\n');
        }
    }

    private static string Abbreviation(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRC",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
