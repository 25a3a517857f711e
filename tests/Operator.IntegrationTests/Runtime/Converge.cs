namespace MlOperator.Operator.IntegrationTests;

/// <summary>
/// Polls until a condition holds, within a generous real-time bound (the machine is shared and slow). Tests
/// assert on the outcome, never on how long it took.
/// </summary>
public static class Converge
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? Bound);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Did not converge: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? bound = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, bound);
}
