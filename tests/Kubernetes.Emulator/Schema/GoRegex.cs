using System.Text;
using System.Text.RegularExpressions;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// CRD patterns are Go RE2 expressions. The syntax mostly matches .NET, the semantics not quite: in RE2
/// <c>$</c> (without the m flag) matches only at the very end, and <c>\d \w \s</c> are ASCII-only. This
/// rewrites those few constructs so a .NET Regex accepts and rejects what kube-apiserver does.
/// </summary>
internal static class GoRegex
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The compiled pattern, or null when .NET cannot parse it (kube would have rejected the CRD).</summary>
    public static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex(Translate(pattern), RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static string Translate(string pattern)
    {
        // A multi-line flag anywhere changes what $ means; leave such patterns alone.
        var multiline = pattern.Contains("(?m", StringComparison.Ordinal) || Regex.IsMatch(pattern, @"\(\?[a-zA-Z]*m");
        var sb = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                i++;
                sb.Append(next switch
                {
                    'd' => inClass ? "0-9" : "[0-9]",
                    'D' when !inClass => "[^0-9]",
                    'w' => inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]",
                    'W' when !inClass => "[^0-9A-Za-z_]",
                    's' => inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]",
                    'S' when !inClass => "[^\\t\\n\\f\\r ]",
                    _ => "\\" + next,
                });
                continue;
            }

            if (inClass)
            {
                if (c == ']' && !(sb.Length > 0 && (sb[^1] == '[' || (sb.Length > 1 && sb[^1] == '^' && sb[^2] == '['))))
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    break;
                case '$' when !multiline:
                    sb.Append("\\z");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
