using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// Decodes a watch response body: one <c>{"type":…,"object":…}</c> JSON document per line, straight from the pipe's
/// buffers (no string per line). ERROR events are thrown as exceptions; a clean end of stream ends the enumeration.
/// </summary>
internal static class WatchStreamReader
{
    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, [EnumeratorCancellation] CancellationToken ct)
        where T : class, IKubernetesObject
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (Decode<T>(line) is { } decoded)
                    {
                        yield return decoded;
                    }
                }

                if (result.IsCompleted)
                {
                    // Servers end every event with a newline; tolerate a last one without, but not a torn one.
                    if (!IsBlank(buffer))
                    {
                        WatchEvent<T>? last;
                        try
                        {
                            last = Decode<T>(buffer);
                        }
                        catch (JsonException e)
                        {
                            throw new IOException("the watch stream ended in the middle of an event", e);
                        }

                        if (last is not null)
                        {
                            yield return last;
                        }
                    }

                    yield break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>Null for blank lines and event types this client does not know (newer servers may add some).</summary>
    internal static WatchEvent<T>? Decode<T>(ReadOnlySequence<byte> line) where T : class, IKubernetesObject
    {
        if (IsBlank(line))
        {
            return null;
        }

        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a watch event must be a JSON object");
        }

        WatchEventType? type = null;
        var typeSeen = false;
        var objectReader = default(Utf8JsonReader);
        var objectSeen = false;
        T? obj = null;
        Status? status = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = ParseType(reader.GetString());
                typeSeen = true;
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (typeSeen)
                {
                    // The apiserver writes "type" first, so the object is decoded in place.
                    DecodeObject(ref reader, type, out obj, out status);
                }
                else
                {
                    objectReader = reader;
                    objectSeen = true;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (objectSeen && typeSeen)
        {
            DecodeObject(ref objectReader, type, out obj, out status);
        }

        if (type is null)
        {
            return null;
        }

        if (type == WatchEventType.Error)
        {
            status ??= new Status { Outcome = "Failure", Message = "watch ERROR event without a Status" };
            throw KubeErrors.FromStatus(status, status.Code != 0 ? status.Code : 500);
        }

        if (obj is null)
        {
            throw new JsonException($"watch {type} event without an object");
        }

        return new WatchEvent<T>(type.Value, obj);
    }

    private static void DecodeObject<T>(ref Utf8JsonReader reader, WatchEventType? type, out T? obj, out Status? status)
        where T : class, IKubernetesObject
    {
        obj = null;
        status = null;
        switch (type)
        {
            case null:
                reader.Skip();
                break;
            case WatchEventType.Error:
                status = JsonSerializer.Deserialize<Status>(ref reader, KubeJson.Options);
                break;
            default:
                obj = JsonSerializer.Deserialize<T>(ref reader, KubeJson.Options);
                break;
        }
    }

    private static WatchEventType? ParseType(string? type) => type switch
    {
        "ADDED" => WatchEventType.Added,
        "MODIFIED" => WatchEventType.Modified,
        "DELETED" => WatchEventType.Deleted,
        "BOOKMARK" => WatchEventType.Bookmark,
        "ERROR" => WatchEventType.Error,
        _ => null,
    };

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
