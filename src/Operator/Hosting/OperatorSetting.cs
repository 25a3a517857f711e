namespace MlOperator.Operator.Hosting;

/// <summary>
/// One operator setting: a flag <c>--name</c>, an environment variable <c>MLOP_NAME</c> and a config-file key
/// (camelCase). <see cref="Bind"/> parses a value into the options or throws <see cref="OperatorSettingException"/>
/// with a message that names neither the source nor the setting (the resolver adds both).
/// </summary>
public sealed record OperatorSetting(
    string Name,
    string HelpName,
    string Description,
    string? Default,
    Func<OperatorOptions, string, OperatorOptions> Bind,
    params string[] Aliases)
{
    public string Flag => "--" + Name;

    public string EnvironmentVariable => "MLOP_" + Name.ToUpperInvariant().Replace('-', '_');

    public string ConfigKey => string.Concat(Name.Split('-').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}
