using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>RFC 6901 JSON pointers: "/a/b~1c/0" → ["a", "b/c", "0"], with ~1 decoded before ~0.</summary>
internal static class JsonPointer
{
    public static IReadOnlyList<string> Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer {pointer}: must be empty or start with '/'");
        }

        return pointer[1..].Split('/').Select(token => token.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    public static string Format(IReadOnlyList<string> tokens) =>
        string.Concat(tokens.Select(token => "/" + token.Replace("~", "~0").Replace("/", "~1")));

    /// <summary>Finds the node at the pointer; true with a null node means an explicit JSON null is there.</summary>
    public static bool TryGet(JsonNode? document, IReadOnlyList<string> tokens, out JsonNode? node)
    {
        node = document;
        foreach (var token in tokens)
        {
            switch (node)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    node = child;
                    break;
                case JsonArray array when TryIndex(token, out var index) && index < array.Count:
                    node = array[index];
                    break;
                default:
                    node = null;
                    return false;
            }
        }

        return true;
    }

    /// <summary>Array indexes are plain decimal digits without leading zeros ("-" is handled by the caller).</summary>
    public static bool TryIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || token.Length > 9 || !token.All(char.IsAsciiDigit) || (token.Length > 1 && token[0] == '0'))
        {
            return false;
        }

        index = int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
