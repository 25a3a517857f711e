using System.Security.Cryptography;
using System.Text;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Names of the children. Services and label values must be at most 63 characters: a name that would be
/// longer is cut and given an 8-hex hash of the whole, so it stays unique and stable.
/// </summary>
public static class ModelDeploymentNames
{
    public const int MaxNameLength = 63;

    /// <summary>{name}-{revisionHash}: one Deployment per revision (DESIGN §3).</summary>
    public static string Deployment(ModelDeployment md, string revisionHash) => Fit(Name(md), "-" + revisionHash, MaxNameLength);

    /// <summary>{name}: the Service clients call.</summary>
    public static string Service(ModelDeployment md) => Fit(Name(md), "", MaxNameLength);

    public static string StableService(ModelDeployment md) => Fit(Name(md), "-stable", MaxNameLength);

    public static string CanaryService(ModelDeployment md) => Fit(Name(md), "-canary", MaxNameLength);

    public static string Ingress(ModelDeployment md) => Fit(Name(md), "", MaxNameLength);

    public static string CanaryIngress(ModelDeployment md) => Fit(Name(md), "-canary", MaxNameLength);

    public static string HorizontalPodAutoscaler(ModelDeployment md) => Fit(Name(md), "", MaxNameLength);

    public static string Fit(string name, string suffix, int max)
    {
        if (name.Length + suffix.Length <= max)
        {
            return name + suffix;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        var keep = Math.Max(0, max - suffix.Length - hash.Length - 1);
        return name[..keep].TrimEnd('-', '.', '_') + "-" + hash + suffix;
    }

    private static string Name(ModelDeployment md) => md.Metadata.Name ?? "";
}
