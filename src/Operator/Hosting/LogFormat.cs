namespace MlOperator.Operator.Hosting;

public enum LogFormat
{
    /// <summary>One JSON object per line, for log collectors.</summary>
    Json,

    /// <summary>Plain lines for a human at a terminal.</summary>
    Text,
}
