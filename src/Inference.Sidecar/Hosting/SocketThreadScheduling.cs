using System.Globalization;
using System.Runtime.InteropServices;

namespace MlOperator.Inference.Sidecar.Hosting;

/// <summary>
/// On Linux, puts .NET's socket engine threads (the epoll threads, named <c>.NET Sockets</c>) under SCHED_BATCH:
/// the same CPU share as before, but a thread woken by a new request no longer preempts the thread-pool worker
/// that is busy answering the previous ones; it runs when that worker yields or its time slice ends, and then
/// hands over every request that arrived meanwhile in one go.
/// </summary>
/// <remarks>
/// Why: on the one or two CPUs a pod has, the profile under load showed a context switch for almost every request
/// (the epoll thread woke 0.43 times per request and preempted a worker each time) and a fifth of the CPU in
/// switching. Under SCHED_BATCH it wakes about 0.2 times per request (bench/Sidecar.Bench/RESULTS.md). The engine
/// creates its threads when the first socket is used, so the threads are looked for a few times after start;
/// where the call is refused (no Linux, a seccomp profile) nothing changes but the log line.
/// </remarks>
public sealed partial class SocketThreadScheduling(ILogger<SocketThreadScheduling> logger) : BackgroundService
{
    public const string ThreadName = ".NET Sockets";
    private const int SchedBatch = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var done = new HashSet<int>();
        try
        {
            // Every 100 ms for 5 s: Kestrel's first accept creates the engine a moment after the host starts.
            for (var attempt = 0; attempt < 50 && !stoppingToken.IsCancellationRequested; attempt++)
            {
                foreach (var tid in SocketThreads())
                {
                    if (done.Add(tid) && !TrySetBatch(tid, out var error))
                    {
                        logger.LogInformation("Socket thread {Thread} keeps its scheduling policy: sched_setscheduler failed with errno {Errno}", tid, error);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Thread ids of this process's socket engine threads.</summary>
    public static IEnumerable<int> SocketThreads()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended
            }

            if (name == ThreadName && int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
            {
                yield return tid;
            }
        }
    }

    private static bool TrySetBatch(int tid, out int errno)
    {
        var parameters = new SchedParam(); // priority 0, the only one SCHED_BATCH takes
        if (SetScheduler(tid, SchedBatch, ref parameters) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, ref SchedParam param);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }
}
