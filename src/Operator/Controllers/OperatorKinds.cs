using System.Text;
using k8s.Models;
using MlOperator.Operator.Runtime.Controller;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers;

/// <summary>
/// Every kind the operator touches, in one table. The controller's watches and the reconciler's stale-child deletion
/// read <see cref="Owned"/>; the chart's RBAC rules (charts/ml-operator/files/rbac-rules.yaml) are written from
/// <see cref="Watched"/> and <see cref="LeaderElection"/> by <see cref="RbacRulesYaml"/>, so adding a child kind
/// is one line here and the permissions follow.
/// </summary>
public static class OperatorKinds
{
    /// <summary>The updates of an owned HPA that wake its ModelDeployment: not the autoscaler's status writes.
    /// This and the other filters are declared before <see cref="Owned"/>, which reads them while static fields initialise in order.</summary>
    public static EventFilter HpaEdited { get; } =
        EventFilter.Or(EventFilter.GenerationChanged, EventFilter.LabelsChanged, EventFilter.AnnotationsChanged);

    /// <summary>
    /// A Deployment's create wakes its owner only once the deployment controller has written status: the create our
    /// own apply causes has nothing the reconciler reads (it reads availability), and the controller's first status
    /// write follows as an update. A Deployment first seen observed (the informer's list after a start or relist) passes.
    /// </summary>
    public static EventFilter DeploymentObserved { get; } = new(Create: o => o is V1Deployment { Status.ObservedGeneration: not null });

    /// <summary>
    /// A Service's create wakes nobody: the reconciler reads only the spec it applied itself. Updates (someone edits
    /// the selector or ports) and deletes still wake the owner.
    /// </summary>
    public static EventFilter ServiceChangedOrDeleted { get; } = new(Create: _ => false);

    /// <summary>The ModelDeployment controller's children; order is apply order for new revisions' siblings.</summary>
    public static IReadOnlyList<OwnedKind> Owned { get; } =
    [
        new OwnedKind<V1Deployment>(DeploymentObserved),
        new OwnedKind<V1Service>(ServiceChangedOrDeleted),
        new OwnedKind<V1Ingress>(),
        // The HPA controller rewrites an HPA's status (current metrics) every sync period, and nothing the reconciler
        // reads is in it: the replica count it sets arrives as a change of the Deployment. Edits of the HPA itself
        // (spec: generation; labels; annotations), creates and deletes still wake the owner.
        new OwnedKind<V2HorizontalPodAutoscaler>(HpaEdited),
    ];

    /// <summary>What the operator calls in every namespace it watches (a ClusterRole when it watches all).</summary>
    public static IReadOnlyList<KindAccess> Watched { get; } =
    [
        // The informer and the startup check list and watch; status goes through a merge patch of /status.
        new(typeof(Md), null, ["list", "watch"]),
        new(typeof(Md), "status", ["patch"]),
        .. Owned.Select(kind => new KindAccess(kind.Type, null, OwnedKind.Verbs)),
        // Read to plan capacity; a change wakes the namespace's ModelDeployments.
        new(typeof(V1ResourceQuota), null, ["list", "watch"]),
        // Our pods only (label selector): readiness and failures wake the owner; analysis scrapes the ready ones.
        new(typeof(V1Pod), null, ["get", "list", "watch"]),
        // The event recorder creates Events and patches their count when they repeat.
        new(typeof(Corev1Event), null, ["create", "patch"]),
    ];

    /// <summary>What leader election calls in the operator's own namespace.</summary>
    public static IReadOnlyList<KindAccess> LeaderElection { get; } =
    [
        new(typeof(V1Lease), null, ["create", "get", "update"]),
        new(typeof(Corev1Event), null, ["create", "patch"]),
    ];

    /// <summary>The chart's rules file: one rule per entry, verbs sorted, scopes in a fixed order.</summary>
    public static string RbacRulesYaml()
    {
        var text = new StringBuilder();
        text.Append("# What the operator calls, per scope. Written by `make generate` from src/Operator/Controllers/OperatorKinds.cs;\n");
        text.Append("# do not edit (a test fails when this file and the code disagree).\n");
        text.Append("# watched: granted in every watched namespace (a ClusterRole when all namespaces are watched).\n");
        text.Append("# leaderElection: granted in the release namespace only.\n");
        Scope(text, "watched", Watched);
        Scope(text, "leaderElection", LeaderElection);
        return text.ToString();
    }

    private static void Scope(StringBuilder text, string name, IReadOnlyList<KindAccess> rules)
    {
        text.Append(name).Append(":\n");
        foreach (var rule in rules)
        {
            text.Append("  - apiGroups: [").Append(rule.Resource.Group.Length == 0 ? "\"\"" : rule.Resource.Group).Append("]\n");
            text.Append("    resources: [").Append(rule.RbacResource).Append("]\n");
            text.Append("    verbs: [").Append(string.Join(", ", rule.Verbs.Order(StringComparer.Ordinal))).Append("]\n");
        }
    }
}
