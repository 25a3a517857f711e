using MlOperator.Operator.Runtime.Controller;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>Records every request; answers with <see cref="Behaviour"/> (call number starts at 1 per key).</summary>
public sealed class RecordingReconciler : IReconciler
{
    private readonly List<ReconcileRequest> _calls = [];

    public Func<ReconcileRequest, int, CancellationToken, Task<ReconcileResult>> Behaviour { get; set; } =
        (_, _, _) => Task.FromResult(ReconcileResult.Done);

    public IReadOnlyList<ReconcileRequest> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public int CallsFor(string ns, string name) => Calls.Count(c => c.Namespace == ns && c.Name == name);

    public Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken ct)
    {
        int n;
        lock (_calls)
        {
            _calls.Add(request);
            n = _calls.Count(c => c == request);
        }

        return Behaviour(request, n, ct);
    }
}
