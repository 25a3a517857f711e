using System.Diagnostics;
using System.Globalization;

namespace MlOperator.Operator.Bench;

/// <summary>Numbers only, one per line, with the machine's load so noisy runs can be read for what they are.</summary>
internal static class Report
{
    public static void Header(string name) =>
        Console.WriteLine($"== {name} ({DateTime.UtcNow:HH:mm:ss} UTC, loadavg {LoadAverage()}, {Environment.ProcessorCount} cpus for this process)");

    public static void Line(string what, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-58} {value,12:0.###} {unit}"));

    public static void Note(string text) => Console.WriteLine("  # " + text);

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static double RssMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64 / 1024.0 / 1024.0;
    }

    public static double HeapMb(bool collect) => GC.GetTotalMemory(collect) / 1024.0 / 1024.0;
}
