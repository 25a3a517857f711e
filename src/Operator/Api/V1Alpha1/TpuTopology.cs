using System.Globalization;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// A GKE TPU slice topology ("2x4", "2x2x2"). Its chip count is the product of the dimensions. A pod asks
/// for the chips of one TPU host (google.com/tpu: count), so count must divide the chip count; the quotient
/// is the number of hosts (pods) that make up one slice. Kept this simple on purpose: GKE itself rejects
/// per-host counts its machine types do not offer.
/// </summary>
public sealed record TpuTopology(IReadOnlyList<int> Dimensions)
{
    public int Chips => Dimensions.Aggregate(1, (a, b) => a * b);

    public static bool TryParse(string? text, out TpuTopology topology)
    {
        topology = new TpuTopology([]);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('x');
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length is 0 or > 4 || !parts[i].All(char.IsAsciiDigit)
                || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
            {
                return false;
            }
        }

        topology = new TpuTopology(dims);
        return true;
    }

    public override string ToString() => string.Join('x', Dimensions);
}
