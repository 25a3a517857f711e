namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// The CEL rules of the CRD, one constant each, so that the attributes on the types (what the generator
/// emits) and <see cref="ModelDeploymentValidator"/> (which re-checks each rule in C#) name the same rule.
/// A unit test fails when a rule on the types has no C# twin.
/// </summary>
public static class ModelDeploymentCelRules
{
    /// <summary>The name becomes the Service's name, which must be a DNS-1035 label (longer ones are cut and hashed).</summary>
    public const string NameIsServiceName = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')";

    public const string NginxRoutingNeedsIngress =
        "!has(self.rollout) || !has(self.rollout.trafficRouting) || self.rollout.trafficRouting != 'NginxIngress' || has(self.ingress)";

    public const string AcceleratorCountPositive = "!has(self.count) || self.count >= 1";

    public const string TopologyOnlyForTpu = "!has(self.topology) || self.type == 'google.com/tpu'";

    public const string TpuNeedsProductAndTopology =
        "self.type != 'google.com/tpu' || (has(self.product) && has(self.topology))";

    /// <summary>Kubernetes CEL has the strings extension (split) and int(); no reduce, so 2-D and 3-D are spelled out.</summary>
    public const string TpuCountDividesTopology =
        "self.type != 'google.com/tpu' || !has(self.topology) || !has(self.count) || self.count < 1 || " +
        "(size(self.topology.split('x')) == 2 " +
        "? int(self.topology.split('x')[0]) * int(self.topology.split('x')[1]) " +
        ": int(self.topology.split('x')[0]) * int(self.topology.split('x')[1]) * int(self.topology.split('x')[2])) % self.count == 0";

    public const string MaxReplicasAtLeastMin = "!has(self.minReplicas) || self.maxReplicas >= self.minReplicas";

    public const string TlsNeedsHost = "!has(self.tlsSecretName) || has(self.host)";

    /// <summary>Strictly increasing = sorted (lists extension) and no weight twice.</summary>
    public const string StepWeightsIncrease =
        "!has(self.steps) || (self.steps.map(s, s.weight).isSorted() && self.steps.all(s, self.steps.filter(t, t.weight == s.weight).size() == 1))";

    public const string RecreateHasNoSteps =
        "!has(self.strategy) || self.strategy != 'Recreate' || !has(self.steps) || size(self.steps) == 0";
}
