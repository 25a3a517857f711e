namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// apimachinery util/validation's DNS-1123 checks with kube's exact messages. The string forms return null
/// when valid, else the messages joined with "; " (kube reports each message as its own field error, so
/// callers that build causes should use the list forms).
/// </summary>
public static partial class NameValidation
{
    public const int SubdomainMaxLength = 253;
    public const int LabelMaxLength = 63;

    private const string LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string SubdomainFormat = LabelFormat + "(\\." + LabelFormat + ")*";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    public static string? Dns1123Subdomain(string name) => Join(Dns1123SubdomainErrors(name));

    public static string? Dns1123Label(string name) => Join(Dns1123LabelErrors(name));

    public static IReadOnlyList<string> Dns1123SubdomainErrors(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var errors = new List<string>();
        if (name.Length > SubdomainMaxLength)
        {
            errors.Add(MaxLenError(SubdomainMaxLength));
        }

        if (!SubdomainRegex().IsMatch(name))
        {
            errors.Add(RegexError(SubdomainMessage, SubdomainFormat, "example.com"));
        }

        return errors;
    }

    public static IReadOnlyList<string> Dns1123LabelErrors(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var errors = new List<string>();
        if (name.Length > LabelMaxLength)
        {
            errors.Add(MaxLenError(LabelMaxLength));
        }

        if (!LabelRegex().IsMatch(name))
        {
            // A valid subdomain that is not a valid label can only be failing on its dots.
            errors.Add(SubdomainRegex().IsMatch(name)
                ? "must not contain dots"
                : RegexError(LabelMessage, LabelFormat, "my-name", "123-abc"));
        }

        return errors;
    }

    private static string MaxLenError(int length) => $"must be no more than {length} characters";

    // Built like validation.RegexError, whose separators give "'my-name',  or '123-abc', " (two spaces).
    private static string RegexError(string message, string format, params string[] examples) =>
        $"{message} (e.g. {string.Join(" or ", examples.Select(e => $"'{e}', "))}regex used for validation is '{format}')";

    private static string? Join(IReadOnlyList<string> errors) => errors.Count == 0 ? null : string.Join("; ", errors);

    // Go's $ matches only at the very end; \z keeps .NET from accepting a trailing newline.
    [System.Text.RegularExpressions.GeneratedRegex("^" + LabelFormat + "\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LabelRegex();

    [System.Text.RegularExpressions.GeneratedRegex("^" + SubdomainFormat + "\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SubdomainRegex();
}
