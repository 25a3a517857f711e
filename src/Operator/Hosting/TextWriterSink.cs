using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// Writes whole formatted events to a writer under a lock, so concurrent lines never interleave. Kept because no
/// served package writes Serilog events to a given <see cref="TextWriter"/> (Serilog.Sinks.Console writes only to the
/// process console; Serilog.Sinks.TextWriter is not served), and tests and embedders pass their own writer.
/// </summary>
internal sealed class TextWriterSink(TextWriter output, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        using var buffer = new StringWriter();
        formatter.Format(logEvent, buffer);
        lock (_lock)
        {
            output.Write(buffer.ToString());
            output.Flush();
        }
    }
}
