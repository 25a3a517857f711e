using System.Runtime.InteropServices;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Onnx;

public sealed class OnnxSessionTests
{
    [Fact]
    public void Describes_inputs_and_outputs_with_dynamic_dimensions_as_minus_one()
    {
        using var session = TestAssets.Session("mlp");
        var input = Assert.Single(session.Inputs);
        Assert.Equal(new TensorInfo("input", TensorElementType.Float, [-1, 16]), input with { Shape = input.Shape.ToArray() }, new InfoComparer());
        Assert.Equal(["logits", "probabilities"], session.Outputs.Select(o => o.Name));
        Assert.All(session.Outputs, o => Assert.Equal([-1L, 4L], o.Shape));
        Assert.True(input.HasDynamicBatch);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("multi_io")]
    [InlineData("types")]
    public void Outputs_equal_the_numpy_reference(string model)
    {
        using var session = TestAssets.Session(model);
        var (inputs, expected) = TestAssets.Reference(model);
        var actual = session.Run(inputs);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            // Softmax goes through exp(), which numpy and MLAS may round differently; every other output is exact.
            TestAssets.AssertSameTensor(tensor, actual[name], $"{model}.{name}", name == "probabilities" ? 1e-6 : 0);
        }
    }

    [Fact]
    public void The_benchmark_cnn_matches_the_numpy_reference_within_float32_rounding()
    {
        // cnn_bench's 4096-term dense layer overflows float32's exact range, so numpy (float64) and MLAS differ in
        // the last bits; a tolerance relative to the largest score still catches any wrong weight or layout.
        using var session = TestAssets.Session("cnn_bench");
        var (inputs, expected) = TestAssets.Reference("cnn_bench");
        var scale = expected["scores"].ToArray<float>().Max(MathF.Abs);
        Assert.True(scale > 1, "the reference scores are not trivially small");
        TestAssets.AssertSameTensor(expected["scores"], session.Run(inputs)["scores"], "cnn_bench.scores", 1e-5 * scale);
    }

    [Fact]
    public void Every_element_type_round_trips_through_the_types_model()
    {
        using var session = TestAssets.Session("types");
        // bfloat16 has its own model (numpy, which writes the types model's references, has no bfloat16).
        using var bf16 = TestAssets.Session("bf16");
        var types = session.Inputs.Concat(bf16.Inputs).Select(i => i.ElementType).ToHashSet();
        foreach (var type in Enum.GetValues<TensorElementType>().Where(t => t != TensorElementType.Undefined))
        {
            Assert.Contains(type, types);
        }

        var (inputs, _) = TestAssets.Reference("types");
        var outputs = session.Run(inputs);
        Assert.Equal(inputs["i64"].ToArray<long>().Select(v => v * 3), outputs["i64_tripled"].ToArray<long>());
        Assert.Equal(inputs["flag"].Bytes.Select(b => (byte)(b ^ 1)), outputs["flag_negated"].Bytes);
        Assert.Equal(["héllo", "", "wörld", "a b", "ünïcode ✓", "z"], outputs["text_echo"].ToStrings());
        Assert.Equal([0.5f, -1024f, 65504f], outputs["f16_echo"].ToArray<Half>().Take(3).Select(h => (float)h));
        Assert.Equal(ulong.MaxValue, outputs["u64_echo"].ToArray<ulong>()[2]);
    }

    [Fact]
    public void Runs_a_batch_of_zero_rows()
    {
        using var session = TestAssets.Session("mlp");
        var result = session.Run(new Dictionary<string, Tensor> { ["input"] = Tensor.From(Array.Empty<float>(), 0, 16) }, "logits");
        Assert.Equal([0L, 4L], result["logits"].Shape);
    }

    [Fact]
    public void A_wrong_shape_fails_with_the_runtimes_message_and_leaves_the_session_usable()
    {
        using var session = TestAssets.Session("mlp");
        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run(new Dictionary<string, Tensor> { ["input"] = Tensor.From(new float[15], 1, 15) }));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.Code);
        Assert.Contains("input", error.Message);
        var (inputs, expected) = TestAssets.Reference("mlp");
        TestAssets.AssertSameTensor(expected["logits"], session.Run(inputs, "logits")["logits"], "logits");
    }

    [Fact]
    public void Concurrent_runs_on_one_session_give_the_same_answers()
    {
        using var session = TestAssets.Session("cnn");
        var (inputs, expected) = TestAssets.Reference("cnn");
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            TestAssets.AssertSameTensor(expected["scores"], session.Run(inputs)["scores"], "scores"));
    }

    private sealed class InfoComparer : IEqualityComparer<TensorInfo>
    {
        public bool Equals(TensorInfo? x, TensorInfo? y) =>
            x!.Name == y!.Name && x.ElementType == y.ElementType && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(TensorInfo obj) => obj.Name.GetHashCode();
    }
}
