using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace MlOperator.Operator.Hosting;

/// <summary>Writes whole formatted events to a writer under a lock, so concurrent lines never interleave.</summary>
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
