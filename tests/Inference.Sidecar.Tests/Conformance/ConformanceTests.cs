using System.Text;
using Xunit.Abstractions;

namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>
/// ONNX backend test models served over the V2 JSON API give the reference outputs. A fixed sample runs in
/// <c>make test</c>; <c>make test-conformance</c> runs every model and reports the exclusions with their reasons.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    /// <summary>Operators of every kind the sidecar must carry: float/int/bool/string/fp16 tensors, scalars, empty
    /// outputs, NaN, broadcasting, recurrent and convolution ops, and models whose synthetic warm-up fails.</summary>
    public static readonly TheoryData<string> Sample = new()
    {
        "node/test_abs", "node/test_add_bcast", "node/test_and2d", "node/test_argmax_default_axis_example",
        "node/test_batchnorm_example", "node/test_bitshift_right_uint32", "node/test_cast_FLOAT_to_FLOAT16",
        "node/test_cast_STRING_to_FLOAT", "node/test_clip_default_inbounds", "node/test_conv_with_strides_padding",
        "node/test_cumsum_1d", "node/test_einsum_batch_matmul", "node/test_equal", "node/test_expand_dim_changed",
        "node/test_gather_0", "node/test_gemm_default_no_bias", "node/test_isnan", "node/test_layer_normalization_2d_axis0",
        "node/test_lstm_defaults", "node/test_matmul_2d", "node/test_maxpool_2d_default", "node/test_mod_int64_fmod",
        "node/test_mod_mixed_sign_int64", "node/test_nonzero_example", "node/test_not_2d", "node/test_range_int32_type_negative_delta",
        "node/test_reduce_sum_keepdims_example", "node/test_resize_upsample_scales_nearest", "node/test_shape", "node/test_size",
        "node/test_softmax_axis_1", "node/test_split_equal_parts_1d", "node/test_tfidfvectorizer_tf_uniandbigrams_skip5",
        "node/test_top_k", "node/test_transpose_default", "node/test_where_example", "pytorch-operator/test_operator_conv",
        "pytorch-converted/test_Conv2d", "pytorch-converted/test_Embedding", "simple/test_expand_shape_model1", "simple/test_sign_model",
    };

    [Theory]
    [MemberData(nameof(Sample))]
    public async Task A_sample_backend_model_served_over_v2_json_gives_the_reference_outputs(string name)
    {
        var outcome = await ConformanceRunner.RunAsync(OnnxBackendTestData.Find(name));
        Assert.True(outcome.Verdict == CaseVerdict.Passed, $"{name}: {outcome.Verdict}: {outcome.Detail}");
    }

    [FullConformanceFact]
    public async Task Every_backend_model_onnx_runtime_runs_gives_the_reference_outputs_over_v2_json()
    {
        var outcomes = new List<CaseOutcome>();
        foreach (var c in OnnxBackendTestData.All())
        {
            CaseOutcome outcome;
            try
            {
                outcome = await ConformanceRunner.RunAsync(c);
            }
            catch (Exception e)
            {
                outcome = CaseOutcome.Failed(c, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }

            outcomes.Add(outcome);
        }

        var report = Report(outcomes);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("MLOP_CONFORMANCE_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        Assert.True(outcomes.All(o => o.Verdict != CaseVerdict.Failed), report);
    }

    private static string Report(List<CaseOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.AppendLine($"ONNX backend test data at {OnnxBackendTestData.Root}: {outcomes.Count} models; " +
            $"{outcomes.Count(o => o.Verdict == CaseVerdict.Passed)} passed over V2 JSON, " +
            $"{outcomes.Count(o => o.Verdict == CaseVerdict.Excluded)} excluded, {outcomes.Count(o => o.Verdict == CaseVerdict.Failed)} failed");
        foreach (var group in outcomes.Where(o => o.Verdict == CaseVerdict.Failed))
        {
            text.AppendLine($"FAILED {group.Case.Name}: {group.Detail}");
        }

        text.AppendLine("Exclusions by reason:");
        foreach (var group in outcomes.Where(o => o.Verdict == CaseVerdict.Excluded).GroupBy(o => ReasonKind(o.Detail)).OrderByDescending(g => g.Count()))
        {
            text.AppendLine($"  {group.Count(),4}  {group.Key}");
        }

        text.AppendLine("Exclusions:");
        foreach (var o in outcomes.Where(o => o.Verdict == CaseVerdict.Excluded))
        {
            text.AppendLine($"  {o.Case.Name}: {o.Detail}");
        }

        return text.ToString();
    }

    /// <summary>The reason without the case-specific detail after the first colon, to group exclusions.</summary>
    private static string ReasonKind(string detail) => detail.IndexOf(':') is var colon and > 0 ? detail[..colon] : detail;
}
