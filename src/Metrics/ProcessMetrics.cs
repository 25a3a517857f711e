using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOperator.Metrics;

/// <summary>
/// The conventional process_* and dotnet_* series (as Prometheus client libraries name them), registered as
/// observable instruments so they cost nothing between scrapes.
/// </summary>
public static class ProcessMetrics
{
    public static void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var startTime = StartTimeSeconds();

        meter.CreateObservableCounter("process_cpu_seconds_total", () => Environment.CpuUsage.TotalTime.TotalSeconds,
            "s", "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_resident_memory_bytes", () => Environment.WorkingSet,
            "By", "Resident memory size in bytes.");
        meter.CreateObservableGauge("process_start_time_seconds", () => startTime,
            "s", "Start time of the process since unix epoch in seconds.");
        if (OperatingSystem.IsLinux())
        {
            meter.CreateObservableGauge("process_open_fds", OpenFileDescriptors,
                null, "Number of open file descriptors.");
        }

        meter.CreateObservableGauge("process_threads", () => ThreadCount(),
            null, "Number of OS threads in the process.");
        meter.CreateObservableGauge("dotnet_gc_heap_bytes", () => GC.GetTotalMemory(forceFullCollection: false),
            "By", "Bytes currently thought to be allocated on the managed heap.");
        meter.CreateObservableCounter("dotnet_gc_allocated_bytes_total", () => GC.GetTotalAllocatedBytes(),
            "By", "Bytes allocated on the managed heap since the process started.");
        meter.CreateObservableCounter("dotnet_gc_collections_total", GcCollections,
            null, "Garbage collections since the process started, by generation.");
        meter.CreateObservableGauge("dotnet_threadpool_threads", () => ThreadPool.ThreadCount,
            null, "Thread-pool threads.");
        meter.CreateObservableGauge("dotnet_threadpool_queue_length", () => ThreadPool.PendingWorkItemCount,
            null, "Work items queued to the thread pool and not yet started.");
    }

    private static double StartTimeSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }

    private static IEnumerable<Measurement<int>> OpenFileDescriptors()
    {
        int count;
        try
        {
            count = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            yield break;
        }
        catch (UnauthorizedAccessException)
        {
            yield break;
        }

        yield return new Measurement<int>(count);
    }

    private static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    private static IEnumerable<Measurement<long>> GcCollections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", generation));
        }
    }
}
