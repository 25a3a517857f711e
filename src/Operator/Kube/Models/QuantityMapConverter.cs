using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// Resource quantities by name. The API server normalises built-in quantities to strings, but a custom
/// resource keeps what the user wrote, and YAML's <c>cpu: 1</c> arrives as a JSON number: accept both,
/// always write strings.
/// </summary>
internal sealed class QuantityMapConverter : JsonConverter<Dictionary<string, string>>
{
    public override Dictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an object of resource quantities");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            map[name] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                // Raw text keeps "1.5" as "1.5" and 1e3 as "1e3", both valid quantity spellings.
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                _ => throw new JsonException($"quantity {name} must be a string or a number"),
            };
        }

        return map;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, quantity) in value)
        {
            writer.WriteString(name, quantity);
        }

        writer.WriteEndObject();
    }
}
