namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>One read-only array per length, built once: per-request defaults that would otherwise be allocated each time.</summary>
internal sealed class SharedArrays<T>(Func<int, T[]> build)
{
    private const int Cached = 64;
    private readonly T[]?[] arrays = new T[Cached][];

    public T[] Get(int length)
    {
        if (length >= Cached)
        {
            return build(length);
        }

        return Volatile.Read(ref arrays[length]) ?? (arrays[length] = build(length));
    }
}
