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
    public static readonly ResourceType HorizontalPodAutoscalersV1 = new("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true)
    { ShortNames = ["hpa"], Categories = ["all"], HasStatus = true, TracksGeneration = true, StorageKeyOverride = "autoscaling/horizontalpodautoscalers" };
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true);
    public static readonly ResourceType EventsV1 = new("events.k8s.io", "v1", "Event", "events", "event", true) { ShortNames = ["ev"], StorageKeyOverride = "/events" };
    public static readonly ResourceType ReplicaSets = new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true)
    {
        ShortNames = ["rs"], Categories = ["all"], HasStatus = true, TracksGeneration = true,
        Scale = new ScaleSpec(".spec.replicas", ".status.replicas", ".status.selector"),
    };
    public static readonly ResourceType ServiceAccounts = new("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true) { ShortNames = ["sa"] };
    public static readonly ResourceType Endpoints = new("", "v1", "Endpoints", "endpoints", "endpoints", true) { ShortNames = ["ep"] };
    public static readonly ResourceType EndpointSlices = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true);
    public static readonly ResourceType Jobs = new("batch", "v1", "Job", "jobs", "job", true) { Categories = ["all"], HasStatus = true, TracksGeneration = true };
    public static readonly ResourceType CronJobs = new("batch", "v1", "CronJob", "cronjobs", "cronjob", true) { ShortNames = ["cj"], Categories = ["all"], HasStatus = true, TracksGeneration = true };
    public static readonly ResourceType PriorityClasses = new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false) { ShortNames = ["pc"] };
    public static readonly ResourceType PodDisruptionBudgets = new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true) { ShortNames = ["pdb"], HasStatus = true, TracksGeneration = true };
    public static readonly ResourceType NetworkPolicies = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true) { ShortNames = ["netpol"], TracksGeneration = true };
    public static readonly ResourceType Roles = new("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", true);
    public static readonly ResourceType RoleBindings = new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", true);
    public static readonly ResourceType ClusterRoles = new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", false);
    public static readonly ResourceType ClusterRoleBindings = new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false);
    public static readonly ResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false)
    { ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true, TracksGeneration = true };

    public static readonly IReadOnlyList<ResourceType> All =
    [
        Namespaces, Pods, Services, ConfigMaps, Secrets, Events, ResourceQuotas,
        ServiceAccounts, Endpoints, Deployments, ReplicaSets, Ingresses, HorizontalPodAutoscalers, HorizontalPodAutoscalersV1, Leases, EventsV1, EndpointSlices, Jobs, CronJobs,
        PriorityClasses, PodDisruptionBudgets, NetworkPolicies, Roles, RoleBindings, ClusterRoles, ClusterRoleBindings, CustomResourceDefinitions,
    ];
}
