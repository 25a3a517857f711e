using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class NameValidationTests
{
    private const string SubdomainRegexError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelRegexError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    [Theory]
    [InlineData("web")]
    [InlineData("my-model.v1")]
    [InlineData("0abc")]
    [InlineData("a")]
    public void Accepts_valid_subdomains(string name) => Assert.Null(NameValidation.Dns1123Subdomain(name));

    [Theory]
    [InlineData("Web")]
    [InlineData("-web")]
    [InlineData("web-")]
    [InlineData("web..x")]
    [InlineData("web_x")]
    [InlineData("")]
    [InlineData("web\n")]
    public void Rejects_invalid_subdomains_with_kubes_message(string name) =>
        Assert.Equal(SubdomainRegexError, NameValidation.Dns1123Subdomain(name));

    [Fact]
    public void Reports_subdomain_length_over_253()
    {
        var name = new string('a', 254);
        Assert.Equal(["must be no more than 253 characters"], NameValidation.Dns1123SubdomainErrors(name));
        Assert.Null(NameValidation.Dns1123Subdomain(new string('a', 253)));
    }

    [Theory]
    [InlineData("my-name")]
    [InlineData("123-abc")]
    public void Accepts_valid_labels(string name) => Assert.Null(NameValidation.Dns1123Label(name));

    [Theory]
    [InlineData("My-Name", LabelRegexError)]
    [InlineData("my_name", LabelRegexError)]
    [InlineData("my.name", "must not contain dots")]
    public void Rejects_invalid_labels_with_kubes_message(string name, string expected) =>
        Assert.Equal(expected, NameValidation.Dns1123Label(name));

    [Fact]
    public void Reports_every_label_problem()
    {
        var name = new string('a', 63) + "_";
        Assert.Equal(["must be no more than 63 characters", LabelRegexError], NameValidation.Dns1123LabelErrors(name));
        Assert.Equal("must be no more than 63 characters; " + LabelRegexError, NameValidation.Dns1123Label(name));
    }
}
