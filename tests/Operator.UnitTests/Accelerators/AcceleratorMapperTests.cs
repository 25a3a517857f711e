using MlOperator.Operator.Accelerators;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.UnitTests.Accelerators;

public class AcceleratorMapperTests
{
    public static TheoryData<string, AcceleratorSpec, string, string, string> Cases => new()
    {
        // scenario, spec, resource=count, node selector (k=v;…), toleration key
        { "nvidia with product", new() { Type = "nvidia.com/gpu", Count = 1, Product = "NVIDIA-L4" }, "nvidia.com/gpu=1", "nvidia.com/gpu.product=NVIDIA-L4", "nvidia.com/gpu" },
        { "nvidia without product", new() { Type = "nvidia.com/gpu", Count = 2 }, "nvidia.com/gpu=2", "", "nvidia.com/gpu" },
        { "amd with product", new() { Type = "amd.com/gpu", Count = 8, Product = "AMD_Instinct_MI300X_OAM" }, "amd.com/gpu=8", "amd.com/gpu.product-name=AMD_Instinct_MI300X_OAM", "amd.com/gpu" },
        { "tpu", new() { Type = "google.com/tpu", Count = 4, Product = "tpu-v5-lite-podslice", Topology = "2x4" }, "google.com/tpu=4",
            "cloud.google.com/gke-tpu-accelerator=tpu-v5-lite-podslice;cloud.google.com/gke-tpu-topology=2x4", "google.com/tpu" },
        { "count defaults to one", new() { Type = "nvidia.com/gpu" }, "nvidia.com/gpu=1", "", "nvidia.com/gpu" },
        { "unknown type is still an extended resource", new() { Type = "example.com/npu", Count = 1, Product = "x" }, "example.com/npu=1", "", "example.com/npu" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Maps_type_product_and_topology(string scenario, AcceleratorSpec spec, string resource, string selector, string tolerationKey)
    {
        var placement = AcceleratorMapper.Map(spec);

        Assert.True(resource == string.Join(";", placement.Resources.Select(r => $"{r.Key}={r.Value}")), scenario);
        Assert.Equal(selector, string.Join(";", placement.NodeSelector.Select(r => $"{r.Key}={r.Value}")));
        var toleration = Assert.Single(placement.Tolerations);
        Assert.Equal((tolerationKey, "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
    }

    [Fact]
    public void No_accelerator_adds_nothing()
    {
        Assert.True(AcceleratorMapper.Map(null).IsNone);
        Assert.True(AcceleratorMapper.Map(new AcceleratorSpec { Type = "nvidia.com/gpu", Count = 0 }).IsNone);
    }

    [Theory]
    [InlineData("2x4", 8, 1)]
    [InlineData("2x4", 4, 2)]
    [InlineData("2x2x4", 4, 4)]
    [InlineData("4x4", 3, 1)]
    public void Counts_tpu_hosts_per_slice(string topology, int count, int hosts)
    {
        var spec = new AcceleratorSpec { Type = "google.com/tpu", Count = count, Product = "tpu-v5p-slice", Topology = topology };
        Assert.Equal(hosts, AcceleratorMapper.HostsPerSlice(spec));
    }

    [Theory]
    [InlineData("2x4", 8)]
    [InlineData("2x2x2", 8)]
    [InlineData("16x16", 256)]
    public void Topology_chip_count_is_the_product_of_dimensions(string text, int chips)
    {
        Assert.True(TpuTopology.TryParse(text, out var topology));
        Assert.Equal(chips, topology.Chips);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("2x")]
    [InlineData("0x4")]
    [InlineData("2x2x2x2")]
    [InlineData("axb")]
    [InlineData("99999x2")]
    public void Rejects_malformed_topologies(string text)
    {
        Assert.False(TpuTopology.TryParse(text, out _));
    }
}
