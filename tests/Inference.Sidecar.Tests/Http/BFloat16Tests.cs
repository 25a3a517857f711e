using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Http;

/// <summary>bfloat16 models (BF16 in the V2 protocol), over JSON and binary tensors.</summary>
public class BFloat16Tests
{
    private const string Body = """
        {"inputs":[{"name":"x","datatype":"BF16","shape":[2,3],"data":[0.5,-1.25,3,1024,-0.0078125,1.0009765625]}]}
        """;

    [Fact]
    public async Task A_bfloat16_model_is_served_over_json_and_its_outputs_come_back_as_BF16()
    {
        await using var sidecar = new SidecarFactory("bf16");
        var client = await sidecar.ReadyClientAsync();

        var (status, body) = await SidecarFactory.PostAsync(client, "/v2/models/bf16/infer", SidecarFactory.Json(Body));

        Assert.Equal(200, status);
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("FP32", outputs["as_float"].GetProperty("datatype").GetString());
        Assert.Equal("BF16", outputs["doubled"].GetProperty("datatype").GetString());
        Assert.Equal([2, 3], outputs["doubled"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        // 1.0009765625 has more mantissa bits than bfloat16 keeps: it arrives rounded to 1.
        Assert.Equal([0.5, -1.25, 3, 1024, -0.0078125, 1], Floats(outputs["as_float"]));
        Assert.Equal([1, -2.5, 6, 2048, -0.015625, 2], Floats(outputs["doubled"]));
    }

    [Fact]
    public async Task Binary_BF16_tensors_go_in_and_come_out_as_raw_bfloat16_bits()
    {
        await using var sidecar = new SidecarFactory("bf16");
        var client = await sidecar.ReadyClientAsync();
        ushort[] x = [BFloat16Bits.From(0.5f), BFloat16Bits.From(-3f), BFloat16Bits.From(96f)];
        var input = Tensor.FromBytes(TensorElementType.BFloat16, [1, 3], x.SelectMany(BitConverter.GetBytes).ToArray());

        using var response = await client.PostAsync("/v2/models/bf16/infer", BinaryRequest.Build([("x", input)],
            new JsonObject { ["parameters"] = new JsonObject { ["binary_data_output"] = true } }));

        Assert.Equal(200, (int)response.StatusCode);
        var (_, outputs) = await BinaryRequest.ReadAsync(response);
        Assert.Equal(TensorElementType.BFloat16, outputs["doubled"].ElementType);
        Assert.Equal([1f, -6f, 192f], outputs["doubled"].Span<ushort>().ToArray().Select(BFloat16Bits.ToSingle));
    }

    [Fact]
    public async Task The_model_metadata_names_BF16_tensors()
    {
        await using var sidecar = new SidecarFactory("bf16");
        var client = await sidecar.ReadyClientAsync();

        using var metadata = JsonDocument.Parse(await client.GetStringAsync("/v2/models/bf16"));

        Assert.Equal("BF16", metadata.RootElement.GetProperty("inputs")[0].GetProperty("datatype").GetString());
    }

    [Fact]
    public async Task A_value_beyond_the_bfloat16_range_is_a_400_naming_the_element()
    {
        await using var sidecar = new SidecarFactory("bf16");
        var client = await sidecar.ReadyClientAsync();

        var (status, body) = await SidecarFactory.PostAsync(client, "/v2/models/bf16/infer", SidecarFactory.Json("""
            {"inputs":[{"name":"x","datatype":"BF16","shape":[1,3],"data":[1,2,1e39]}]}
            """));

        Assert.Equal(400, status);
        Assert.Contains("input 'x' (BF16) element 2", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.5f, 0xC020)]
    [InlineData(1.00390625f, 0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: ties to even
    [InlineData(1.01171875f, 0x3F82)] // halfway between 0x3F81 and 0x3F82: ties to even, up
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void Float_to_bfloat16_rounds_to_nearest_even(float value, int bits)
    {
        Assert.Equal((ushort)bits, BFloat16Bits.From(value));
        Assert.True(float.IsNaN(BFloat16Bits.ToSingle(BFloat16Bits.From(float.NaN))));
    }

    private static double[] Floats(JsonElement output) =>
        output.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
