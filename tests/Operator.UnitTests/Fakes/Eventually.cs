namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>
/// Waits (in real time, bounded) for background tasks to reach a state. It never drives logic: fake time does
/// that. The bound is generous because the test machine is shared and slow.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>Advances fake time in steps until the condition holds, letting background work run between steps.</summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, string what, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            if (condition())
            {
                return;
            }

            time.Advance(step);
            await Task.Delay(1);
        }

        await TrueAsync(condition, what);
    }
}
