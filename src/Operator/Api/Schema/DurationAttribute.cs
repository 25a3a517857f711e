namespace MlOperator.Operator.Api.Schema;

/// <summary>
/// A duration: a Go duration string ("500ms", "2m", "1h30m") or an integer number of seconds.
/// Emitted as int-or-string with a pattern.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DurationAttribute : Attribute
{
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$";
}
