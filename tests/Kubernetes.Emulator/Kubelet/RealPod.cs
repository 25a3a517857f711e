using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Kubelet;

/// <summary>
/// One pod's sidecar process, as a kubelet runs a container with restartPolicy Always: start, probe readiness, on
/// exit record the termination and restart after a doubling back-off (CrashLoopBackOff meanwhile); on deletion leave
/// the endpoints first, then SIGTERM, then SIGKILL after the grace period.
/// </summary>
internal sealed class RealPod(StoredObject pod, RealPodSpec spec, IPAddress address, RealPodOptions options, TimeProvider time, RealPodKubelet kubelet)
{
    private const int SigTerm = 15;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<string> _output = new();
    private readonly object _gate = new();
    private Process? _process;
    private Task _run = Task.CompletedTask;
    private StreamWriter? _log;

    public string Namespace { get; } = pod.Namespace;
    public string Name { get; } = pod.Name;
    public string Uid { get; } = pod.Uid;
    public IReadOnlyDictionary<string, string> Labels { get; } = pod.Labels;
    public RealPodSpec Spec { get; } = spec;
    public IPAddress Address { get; } = address;

    public volatile bool Ready;
    public volatile bool Terminating;
    public volatile bool CrashLooping;
    public int RestartCount;
    public DateTimeOffset? StartedAt;
    public (int ExitCode, DateTimeOffset Started, DateTimeOffset Finished, string Message)? LastTermination;

    public int? ProcessId
    {
        get
        {
            lock (_gate) return _process is { } p ? SafeId(p) : null;
        }
    }

    public void Start(IReadOnlyDictionary<string, string> extraEnv)
    {
        if (options.LogDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            _log = new StreamWriter(Path.Combine(dir, $"{Namespace}_{Name}.log"), append: true) { AutoFlush = true };
        }
        _run = Task.Run(() => RunAsync(extraEnv));
    }

    private async Task RunAsync(IReadOnlyDictionary<string, string> extraEnv)
    {
        var backOff = options.InitialBackOff;
        while (!_stop.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            int exitCode;
            string message;
            try
            {
                lock (_gate)
                {
                    if (_stop.IsCancellationRequested) return;
                    _process = Launch(extraEnv);
                    StartedAt = started;
                    CrashLooping = false;
                }
                kubelet.WriteStatus(this);
                exitCode = await MonitorAsync(_process);
                if (_stop.IsCancellationRequested) return;
                message = LastOutput();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                exitCode = 128;
                message = $"failed to start {options.SidecarPath}: {e.Message}";
            }
            lock (_gate)
            {
                if (_stop.IsCancellationRequested) return;
                _process?.Dispose();
                _process = null;
                Ready = false;
                CrashLooping = true;
                RestartCount++;
                LastTermination = (exitCode, started, time.GetUtcNow(), message);
            }
            options.Log?.Invoke($"pod {Namespace}/{Name}: sidecar exited with code {exitCode}; restart {RestartCount} in {backOff.TotalSeconds:0.#}s");
            kubelet.WriteStatus(this);
            try
            {
                await Task.Delay(backOff, time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backOff = backOff * 2 < options.MaxBackOff ? backOff * 2 : options.MaxBackOff;
        }
    }

    private Process Launch(IReadOnlyDictionary<string, string> extraEnv)
    {
        var dll = options.SidecarPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var psi = new ProcessStartInfo(dll ? RealPodOptions.DotnetHost : options.SidecarPath)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        if (dll) psi.ArgumentList.Add(options.SidecarPath);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MLOP_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in Spec.Env) psi.Environment[k] = v;
        // Many sidecars share a few cores here; the pod may still ask for more.
        psi.Environment.TryAdd("MLOP_INTRA_OP_THREADS", "1");
        foreach (var (k, v) in extraEnv) psi.Environment[k] = v;
        psi.Environment["MLOP_MODEL_PATH"] = Spec.ModelFile;
        psi.Environment["MLOP_HOST"] = Address.ToString();
        psi.Environment["MLOP_PORT"] = Spec.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Probes readiness until the process exits (its exit code) or the pod is stopped (-1).</summary>
    private async Task<int> MonitorAsync(Process process)
    {
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted && !_stop.IsCancellationRequested)
        {
            var ok = await kubelet.ProbeAsync(this);
            if (ok != Ready && !process.HasExited && !_stop.IsCancellationRequested)
            {
                Ready = ok;
                kubelet.WriteStatus(this);
            }
            await Task.WhenAny(exited, Task.Delay(ok ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromMilliseconds(100), _stop.Token));
        }
        if (_stop.IsCancellationRequested) return -1;
        await exited;
        return process.ExitCode;
    }

    /// <summary>Deletion: out of the endpoints at once, SIGTERM, SIGKILL after the grace period; returns when the process is gone.</summary>
    public async Task TerminateAsync()
    {
        Terminating = true;
        Ready = false;
        Process? process;
        lock (_gate)
        {
            _stop.Cancel();
            process = _process;
        }
        if (process is not null && !HasExited(process))
        {
            if (SafeId(process) is > 0 and var pid) _ = Kill(pid, SigTerm);
            using var grace = new CancellationTokenSource(Spec.GracePeriod);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                KillNow(process);
                await process.WaitForExitAsync();
            }
        }
        await _run;
        Release();
    }

    /// <summary>Emulator shutdown while <see cref="TerminateAsync"/> waits for a draining process: SIGKILL it now; that wait then ends and releases it.</summary>
    public void KillDraining()
    {
        Process? process;
        lock (_gate) process = _process;
        if (process is not null && !HasExited(process)) KillNow(process);
    }

    /// <summary>Emulator shutdown: SIGKILL and wait, so no process outlives it.</summary>
    public void KillAndWait()
    {
        Terminating = true;
        Process? process;
        lock (_gate)
        {
            _stop.Cancel();
            process = _process;
        }
        if (process is not null && !HasExited(process))
        {
            KillNow(process);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        Release();
    }

    private void Release()
    {
        lock (_gate)
        {
            _process?.Dispose();
            _process = null;
            _log?.Dispose();
            _log = null;
        }
        PodAddresses.Release(Address);
    }

    /// <summary>The pod's status as a kubelet would write it; <paramref name="old"/> keeps condition transition times.</summary>
    public JsonObject Status(JsonObject node, DateTimeOffset now)
    {
        var old = node["status"] as JsonObject;
        var created = Json.String(node["metadata"], "creationTimestamp")!;
        var ready = Ready && !Terminating;
        var readyText = ready ? "True" : "False";
        string ConditionTime(string type, string status)
        {
            var c = (old?["conditions"] as JsonArray)?.FirstOrDefault(x => Json.String(x, "type") == type);
            return c is not null && Json.String(c, "status") == status ? Json.String(c, "lastTransitionTime") ?? created : Json.Rfc3339(now);
        }
        var containers = new JsonArray();
        foreach (var c in node["spec"]?["containers"] as JsonArray ?? [])
        {
            var mine = Json.String(c, "name") == RealPodSpec.ContainerName;
            var cs = new JsonObject
            {
                ["name"] = Json.String(c, "name"), ["image"] = Json.String(c, "image"), ["imageID"] = "",
                ["ready"] = mine ? ready : true, ["restartCount"] = mine ? RestartCount : 0,
                ["started"] = mine ? StartedAt is not null && !CrashLooping : true,
            };
            cs["state"] = !mine ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = created } }
                : CrashLooping ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = $"back-off restarting failed container={RealPodSpec.ContainerName} pod={Name}" } }
                : StartedAt is { } s ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Json.Rfc3339(s) } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } };
            if (mine && LastTermination is { } t)
                cs["lastState"] = new JsonObject
                {
                    ["terminated"] = new JsonObject
                    {
                        ["exitCode"] = t.ExitCode, ["reason"] = t.ExitCode == 0 ? "Completed" : "Error", ["message"] = t.Message,
                        ["startedAt"] = Json.Rfc3339(t.Started), ["finishedAt"] = Json.Rfc3339(t.Finished),
                    },
                };
            containers.Add(cs);
        }
        return new JsonObject
        {
            ["phase"] = StartedAt is null && LastTermination is null ? "Pending" : "Running",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = created },
                new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = created },
                new JsonObject { ["type"] = "ContainersReady", ["status"] = readyText, ["lastTransitionTime"] = ConditionTime("ContainersReady", readyText) },
                new JsonObject { ["type"] = "Ready", ["status"] = readyText, ["lastTransitionTime"] = ConditionTime("Ready", readyText) }),
            ["hostIP"] = "127.0.0.1",
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }),
            ["podIP"] = Address.ToString(),
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = Address.ToString() }),
            ["startTime"] = created,
            ["qosClass"] = "BestEffort",
            ["containerStatuses"] = containers,
        };
    }

    private void Output(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 5) _output.Dequeue();
        }
        try { _log?.WriteLine(line); } catch (ObjectDisposedException) { }
    }

    private string LastOutput()
    {
        lock (_output)
        {
            var text = string.Join("\n", _output);
            return text.Length > 1024 ? text[^1024..] : text;
        }
    }

    private static bool HasExited(Process p)
    {
        try { return p.HasExited; } catch (InvalidOperationException) { return true; }
    }

    private static int? SafeId(Process p)
    {
        try { return p.Id; } catch (InvalidOperationException) { return null; }
    }

    private static void KillNow(Process p)
    {
        try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
