using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Templates;

namespace MlOperator.Inference.Sidecar.Hosting;

/// <summary>
/// The sidecar's Serilog pipeline: JSON lines on stdout in the operator's shape, quiet per request. ASP.NET Core's
/// hosting diagnostics (several Information lines per request) are cut to warnings; with
/// <see cref="SidecarOptions.AccessLog"/> Serilog.AspNetCore's request logging writes exactly one line per request.
/// </summary>
public static class SidecarLogging
{
    /// <summary>
    /// The operator's JSON line (<c>OperatorLogging.JsonTemplate</c>, pinned equal by a test): <c>time</c>,
    /// <c>level</c>, <c>logger</c>, <c>msg</c>, the properties at the top level, <c>error</c> and <c>exception</c>.
    /// </summary>
    public const string JsonTemplate =
        "{ {time: ToString(UtcDateTime(@t), 'yyyy-MM-ddTHH:mm:ss.fffZ'), level: " + LowerLevel + ", logger: SourceContext, msg: @m, "
        + "..rest(), _time: time, _level: level, _logger: logger, _msg: msg, _error: error, _exception: exception, "
        + "error: Inspect(@x).Message, exception: @x} }\n";

    private const string LowerLevel =
        "if @l = 'Verbose' then 'trace' else if @l = 'Debug' then 'debug' else if @l = 'Information' then 'info' "
        + "else if @l = 'Warning' then 'warn' else if @l = 'Error' then 'error' else 'fatal'";

    /// <param name="configuration">The logger being built.</param>
    /// <param name="services">Sinks registered as <see cref="Serilog.Core.ILogEventSink"/> (tests) are added too.</param>
    public static LoggerConfiguration Configure(LoggerConfiguration configuration, IServiceProvider services) =>
        configuration
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            // Off, not Warning: while this category is enabled at any level, hosting starts an Activity, a log scope
            // and two AsyncLocal changes for every request (a third of the sidecar's per-request allocations), only
            // so that lines nobody writes could carry a trace id. A request's unhandled error is still logged (Kestrel's
            // category); a failing host start is rethrown by RunAsync and ends the process with its message on stderr.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .ReadFrom.Services(services)
            .WriteTo.Console(new ExpressionTemplate(JsonTemplate, CultureInfo.InvariantCulture));
}
