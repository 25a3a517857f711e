using System.Text;

namespace MlOperator.Operator.IntegrationTests.Hosting;

/// <summary>A log destination tests can read while the host writes to it from other threads.</summary>
public sealed class LogCapture : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }
}
