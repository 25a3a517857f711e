using System.CommandLine;
using MlOperator.Kubernetes.Emulator;

// CLI: serve the emulator until Ctrl-C; prints exactly one "ready ..." line once it accepts requests.
var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 6443 };
var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Write a kubeconfig for this emulator to PATH" };
var simulate = new Option<bool>("--simulate-controllers") { Description = "Run the garbage collector, Deployment and ResourceQuota controllers" };
var token = new Option<string?>("--token") { Description = "Require this bearer token" };
var tls = new Option<bool>("--tls") { Description = "Serve https with a generated self-signed certificate" };
var readyDelay = new Option<double>("--pod-ready-delay") { Description = "Simulated pods turn Ready this many seconds after creation (watch a rollout with kubectl rollout status)" };
var root = new RootCommand("In-process Kubernetes API emulator for tests") { port, kubeconfig, simulate, token, tls, readyDelay };
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new EmulatorOptions
    {
        Port = parse.GetValue(port),
        SimulateControllers = parse.GetValue(simulate),
        Token = parse.GetValue(token),
        Tls = parse.GetValue(tls),
        PodReadyDelay = TimeSpan.FromSeconds(parse.GetValue(readyDelay)),
    };
    await using var emulator = await KubeEmulator.StartAsync(options, cancellationToken);
    var path = parse.GetValue(kubeconfig);
    if (path is not null) emulator.WriteKubeconfig(path);
    Console.Out.WriteLine($"ready {emulator.BaseAddress.ToString().TrimEnd('/')}{(path is null ? "" : $" kubeconfig={path}")}");
    Console.Out.Flush();
    try
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }
    return 0;
});
return await root.Parse(args).InvokeAsync();
