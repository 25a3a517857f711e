using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOperator.Operator.UnitTests.ArgoCd;

/// <summary>
/// Runs an Argo CD resource health script with the real Lua 5.1 interpreter (Argo CD's gopher-lua has Lua 5.1
/// semantics): the object becomes the global <c>obj</c>, as Argo CD sets it, and the returned table is read back.
/// </summary>
public static class LuaRunner
{
    public const string Interpreter = "/usr/bin/lua5.1";

    public static (string Status, string Message) Health(string scriptPath, JsonObject? obj)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException($"{Interpreter} not found: run `make deps` (Debian package lua5.1)");
        }

        var harness = $"""
            obj = {(obj is null ? "nil" : ToLua(obj))}
            local hs = assert(loadfile({Quote(scriptPath)}))()
            io.write(tostring(hs.status), "\t", tostring(hs.message))
            """;
        var start = new ProcessStartInfo(Interpreter, "-")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(harness);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"lua5.1 exited {process.ExitCode}: {stderr}");
        }

        var parts = stdout.Result.Split('\t', 2);
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }

    /// <summary>A JSON value as a Lua table constructor; arrays become sequences from 1, as Argo CD's conversion does.</summary>
    public static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject o => "{" + string.Join(", ", o.Select(p => $"[{Quote(p.Key)}] = {ToLua(p.Value)}")) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(ToLua)) + "}",
        JsonValue v when v.TryGetValue<string>(out var s) => Quote(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(), // a JSON number is a Lua number literal
        _ => throw new ArgumentException($"unsupported JSON node {node.GetType().Name}"),
    };

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
