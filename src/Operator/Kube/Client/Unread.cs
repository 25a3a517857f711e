using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// The response type of a write whose caller does not use the object the server sends back: the body is checked to be
/// one JSON value and skipped, not materialised (a Deployment comes back with every defaulted field and its
/// managedFields; building that object graph cost a tenth of the operator's CPU while 1,000 ModelDeployments converged).
/// </summary>
[JsonConverter(typeof(UnreadConverter))]
internal sealed class Unread
{
    public static readonly Unread Value = new();

    private Unread()
    {
    }

    internal sealed class UnreadConverter : JsonConverter<Unread>
    {
        public override Unread Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return Value;
        }

        public override void Write(Utf8JsonWriter writer, Unread value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Unread is a response type only");
    }
}
