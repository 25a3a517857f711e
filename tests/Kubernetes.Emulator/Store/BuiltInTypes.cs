namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>The built-in resources the operator and kubectl touch.</summary>
internal static class BuiltInTypes
{
    public static readonly ResourceType Namespaces = new("", "v1", "Namespace", "namespaces", "namespace", false)
    { ShortNames = ["ns"], HasStatus = true, Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"] };
    public static readonly ResourceType Pods = new("", "v1", "Pod", "pods", "pod", true) { ShortNames = ["po"], Categories = ["all"], HasStatus = true };
    public static readonly ResourceType Services = new("", "v1", "Service", "services", "service", true) { ShortNames = ["svc"], Categories = ["all"], HasStatus = true };
    public static readonly ResourceType ConfigMaps = new("", "v1", "ConfigMap", "configmaps", "configmap", true) { ShortNames = ["cm"] };
    public static readonly ResourceType Secrets = new("", "v1", "Secret", "secrets", "secret", true);
    public static readonly ResourceType Events = new("", "v1", "Event", "events", "event", true) { ShortNames = ["ev"] };
    public static readonly ResourceType ResourceQuotas = new("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true) { ShortNames = ["quota"], HasStatus = true };
    public static readonly ResourceType Deployments = new("apps", "v1", "Deployment", "deployments", "deployment", true)
    {
        ShortNames = ["deploy"], Categories = ["all"], HasStatus = true, TracksGeneration = true,
        Scale = new ScaleSpec(".spec.replicas", ".status.replicas", ".status.selector"),
    };
    public static readonly ResourceType Ingresses = new("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true) { ShortNames = ["ing"], HasStatus = true, TracksGeneration = true };
    public static readonly ResourceType HorizontalPodAutoscalers = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true)
    { ShortNames = ["hpa"], Categories = ["all"], HasStatus = true, TracksGeneration = true };
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true);
    public static readonly ResourceType EventsV1 = new("events.k8s.io", "v1", "Event", "events", "event", true) { ShortNames = ["ev"], StorageKeyOverride = "/events" };
    public static readonly ResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false)
    { ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true, TracksGeneration = true };

    public static readonly IReadOnlyList<ResourceType> All =
    [
        Namespaces, Pods, Services, ConfigMaps, Secrets, Events, ResourceQuotas,
        Deployments, Ingresses, HorizontalPodAutoscalers, Leases, EventsV1, CustomResourceDefinitions,
    ];
}
