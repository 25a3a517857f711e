using MlOperator.Inference.Sidecar.Fetch;
using MlOperator.Inference.Sidecar.Hosting;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;

// `fetch URI DEST`: the same image as the model pod's init container downloads and verifies the model.
if (args.Length > 0 && args[0] == "fetch")
{
    return await FetchCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

// Flags become the same MLOP_* keys as the environment (flags win), so the pod spec and a shell agree.
Dictionary<string, string?>? flags;
try
{
    flags = SidecarCommandLine.Parse(args);
}
catch (SidecarOptionsException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

if (flags is null)
{
    Console.Out.Write(SidecarCommandLine.Usage);
    return 0;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddInMemoryCollection(flags);

try
{
    // Fail before listening: a wrong digest or a bad setting must never serve, not even liveness.
    var options = SidecarOptions.FromConfiguration(builder.Configuration);
    FaultSettings.FromConfiguration(builder.Configuration);
    ModelFile.Verify(options.ModelPath, options.ModelSha256);
}
catch (Exception e) when (e is SidecarOptionsException or ModelLoadException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return e is ModelLoadException ? 3 : 2;
}

SidecarApp.ConfigureServices(builder);
// Only in the real process: it changes how this process's socket threads are scheduled (the tests' host shares one).
builder.Services.AddHostedService<SocketThreadScheduling>();
var app = builder.Build();
SidecarApp.Map(app);
await app.RunAsync();
return Environment.ExitCode;

/// <summary>Entry point type, public so WebApplicationFactory can find the assembly.</summary>
public partial class Program;
