namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>Tests that measure the whole process (resident memory) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloCollection
{
    public const string Name = "Solo";
}
