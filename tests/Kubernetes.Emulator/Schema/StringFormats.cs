using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// The string formats kube-apiserver checks for CRDs. apiextensions strips every format that is not in its
/// supported list before validating (StripUnsupportedFormatsPostProcess), so int32, int64, float, double and
/// unknown formats never fail — matching that is deliberate, not an omission.
/// </summary>
internal static partial class StringFormats
{
    // apiextensions' supportedFormats, compared after dropping '-' as go-openapi normalises names.
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
        "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime",
    };

    /// <summary>Whether kube keeps this format for validation (everything else is stripped first).</summary>
    public static bool IsSupported(string format) => Supported.Contains(format.Replace("-", "", StringComparison.Ordinal));

    public static bool IsValid(string format, string value) => format switch
    {
        "date-time" or "datetime" => IsDateTime(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => IsBase64(value),
        "uuid" => UuidRegex().IsMatch(value),
        "uuid3" or "uuid4" or "uuid5" => UuidRegex().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => IPNetwork.TryParse(value, out _),
        "hostname" => value.Length <= 255 && HostnameRegex().IsMatch(value),
        "mac" => MacRegex().IsMatch(value),
        "duration" => DurationRegex().IsMatch(value),
        _ => true,
    };

    /// <summary>RFC 3339 as strfmt.ParseDateTime reads it (fractional seconds optional, zone optional).</summary>
    public static bool IsDateTime(string value)
    {
        var match = DateTimeRegex().Match(value);
        if (!match.Success)
        {
            return false;
        }

        return DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) < 24
            && int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) < 60
            && (!match.Groups["s"].Success || int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) < 61);
    }

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = value.Length <= 4096 ? stackalloc byte[value.Length] : new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<h>\d{2}):(?<m>\d{2})(:(?<s>\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex UuidRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnameRegex();

    [GeneratedRegex("^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex MacRegex();

    [GeneratedRegex(@"^(-?\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
