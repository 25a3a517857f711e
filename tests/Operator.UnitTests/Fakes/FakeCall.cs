namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>One request the <see cref="FakeKubeClient"/> received.</summary>
public sealed record FakeCall(string Verb, string Resource, string? Namespace, string? Name, string? ResourceVersion, string? LabelSelector);
