namespace MlOperator.Inference.Sidecar.Tests.Onnx;

[Collection(SoloCollection.Name)]
public sealed class MemoryTests
{
    [Fact]
    public void Memory_stays_flat_over_100000_inferences()
    {
        using var session = TestAssets.Session("types");
        var (inputs, _) = TestAssets.Reference("types");
        var ordered = session.Inputs.Select(i => inputs[i.Name]).ToArray();
        int[] all = [.. Enumerable.Range(0, session.Outputs.Count)];
        for (var i = 0; i < 20_000; i++)
        {
            session.Run(ordered, all); // let ORT's arenas and the GC reach their steady state first
        }

        var (managedBefore, nativeBefore) = MemoryNow();
        for (var i = 0; i < 100_000; i++)
        {
            session.Run(ordered, all);
        }

        var (managedAfter, nativeAfter) = MemoryNow();
        // Each run creates and frees 13 input and 13 output OrtValues (strings included) plus their managed
        // copies. Measured alone, the resident set moves by < 2 MB over 100,000 runs and then stays flat (allocator
        // and GC segment noise); leaking one 84-byte native object per run would add 8 MB.
        Assert.True(managedAfter - managedBefore < 1 << 20, $"managed heap grew by {managedAfter - managedBefore} bytes");
        Assert.True(nativeAfter - nativeBefore < 8 << 20, $"resident set grew by {nativeAfter - nativeBefore} bytes");
    }

    private static (long Managed, long Resident) MemoryNow()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        // /proc/self/statm: size resident shared text lib data dt, in pages.
        var resident = long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * Environment.SystemPageSize;
        return (managed, resident);
    }
}
