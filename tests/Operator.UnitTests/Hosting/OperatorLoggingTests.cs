using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Hosting;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace MlOperator.Operator.UnitTests.Hosting;

public sealed class OperatorLoggingTests
{
    [Fact]
    public void Json_lines_carry_the_scope_keys_of_a_reconcile()
    {
        var (logger, output) = Create(LogFormat.Json);
        using (logger.BeginScope(new Dictionary<string, object> { ["resource"] = "risk/fraud", ["reconcileId"] = "r-42" }))
        {
            logger.LogInformation("Applied {Count} children to {Kind}", 3, "Deployment");
        }

        var line = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("Reconciler", line.GetProperty("logger").GetString());
        Assert.Equal("Applied 3 children to Deployment", line.GetProperty("msg").GetString());
        Assert.Equal("risk/fraud", line.GetProperty("resource").GetString());
        Assert.Equal("r-42", line.GetProperty("reconcileId").GetString());
        Assert.Equal(3, line.GetProperty("Count").GetInt32());
        Assert.EndsWith("Z", line.GetProperty("time").GetString());
    }

    [Fact]
    public void Nested_scopes_all_flow_into_the_line_and_end_with_their_block()
    {
        var (logger, output) = Create(LogFormat.Json);
        using (logger.BeginScope(new Dictionary<string, object> { ["controller"] = "modeldeployment" }))
        {
            using (logger.BeginScope(new Dictionary<string, object> { ["resource"] = "risk/fraud", ["generation"] = 4 }))
            {
                logger.LogWarning("inside");
            }

            logger.LogWarning("outside");
        }

        var lines = Lines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("modeldeployment", lines[0].GetProperty("controller").GetString());
        Assert.Equal(4, lines[0].GetProperty("generation").GetInt32());
        Assert.Equal("warn", lines[0].GetProperty("level").GetString());
        Assert.False(lines[1].TryGetProperty("resource", out _));
        Assert.Equal("modeldeployment", lines[1].GetProperty("controller").GetString());
    }

    [Fact]
    public void Json_escapes_messages_and_keeps_exceptions_on_one_line()
    {
        var (logger, output) = Create(LogFormat.Json);

        logger.LogError(new InvalidOperationException("bad \"thing\"\nhappened"), "Failed for {Name}", "a\"b");

        var line = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("Failed for a\"b", line.GetProperty("msg").GetString());
        Assert.Equal("bad \"thing\"\nhappened", line.GetProperty("error").GetString());
        Assert.Contains("InvalidOperationException", line.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_lines_show_the_message_and_scope_properties()
    {
        var (logger, output) = Create(LogFormat.Text);
        using (logger.BeginScope(new Dictionary<string, object> { ["resource"] = "risk/fraud", ["note"] = "two words", ["generation"] = 4 }))
        {
            logger.LogInformation("Reconciled {Name}", "fraud");
        }

        var line = Assert.Single(Lines(output));
        Assert.EndsWith(" INF Reconciler: Reconciled fraud resource=risk/fraud note=\"two words\" generation=4", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_keeps_a_property_named_like_a_field_under_a_leading_underscore()
    {
        var (logger, output) = Create(LogFormat.Json);
        using (logger.BeginScope(new Dictionary<string, object> { ["msg"] = "from scope", ["level"] = 7 }))
        {
            logger.LogInformation("real message");
        }

        var line = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("real message", line.GetProperty("msg").GetString());
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("from scope", line.GetProperty("_msg").GetString());
        Assert.Equal(7, line.GetProperty("_level").GetInt32());
    }

    [Fact]
    public void Json_level_names_are_the_short_lower_case_ones()
    {
        var (logger, output) = Create(LogFormat.Json, LogEventLevel.Verbose);
        foreach (var level in new[] { LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical })
        {
            logger.Log(level, "line");
        }

        Assert.Equal(["trace", "debug", "info", "warn", "error", "fatal"],
            Lines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("level").GetString()));
    }

    [Fact]
    public void Text_puts_the_exception_on_the_lines_below_the_message()
    {
        var (logger, output) = Create(LogFormat.Text);

        logger.LogError(new InvalidOperationException("boom"), "Failed");

        var lines = Lines(output);
        Assert.EndsWith(" ERR Reconciler: Failed", lines[0], StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException: boom", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public void Log_level_filters_and_framework_categories_stay_quiet()
    {
        var output = new StringWriter();
        using var factory = new SerilogLoggerFactory(OperatorLogging.Create(LogFormat.Json, LogEventLevel.Information, output), dispose: true);

        factory.CreateLogger("Reconciler").LogDebug("hidden");
        factory.CreateLogger("Microsoft.AspNetCore.Routing").LogInformation("hidden too");
        factory.CreateLogger("Reconciler").LogInformation("shown");

        Assert.Contains("shown", Assert.Single(Lines(output)), StringComparison.Ordinal);
    }

    private static (Microsoft.Extensions.Logging.ILogger Logger, StringWriter Output) Create(LogFormat format, LogEventLevel level = LogEventLevel.Debug)
    {
        var output = new StringWriter();
        var factory = new SerilogLoggerFactory(OperatorLogging.Create(format, level, output), dispose: true);
        return (factory.CreateLogger("Reconciler"), output);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
