using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// intstr.IntOrString: a port number or a named port, a replica count or a percentage. Kept as whichever
/// the sender wrote, so a round trip never turns 8080 into "8080" (server-side apply would see a change).
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public sealed record IntOrString
{
    private IntOrString(int? intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    public int? IntValue { get; }
    public string? StringValue { get; }
    public bool IsInt => IntValue.HasValue;

    public static IntOrString FromInt(int value) => new(value, null);
    public static IntOrString FromString(string value) => new(null, value);

    public static implicit operator IntOrString(int value) => FromInt(value);
    public static implicit operator IntOrString(string value) => FromString(value);

    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue ?? "";
}
