using System.Globalization;
using System.Text;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Inference;

/// <summary>
/// Allocation budgets of the hot path, counted (not timed) on the current thread, so they hold on a busy machine.
/// The JSON reader allocates the tensor's buffer and a few fixed objects per request: nothing per element, per name
/// or per datatype, and no parsed document.
/// </summary>
public sealed class AllocationTests
{
    private static readonly TensorInfo[] Inputs = [new("input", TensorElementType.Float, [-1, 64])];
    private static readonly TensorInfo[] Outputs = [new("output", TensorElementType.Float, [-1, 10])];

    [Fact]
    public void Reading_a_json_request_allocates_the_tensor_buffer_and_a_few_fixed_objects_only()
    {
        var body = Body(64);

        var bytes = AllocatedPerRead(body);

        // 64 floats: 280 bytes of buffer; the shape, the Tensor, the input array and the InferRequest about 190 more (472 in all).
        Assert.InRange(bytes, 64 * sizeof(float), 520);
    }

    [Fact]
    public void Json_request_allocation_grows_by_the_tensor_buffer_only()
    {
        var small = AllocatedPerRead(Body(64));
        var large = AllocatedPerRead(Body(4096, rows: 64));

        Assert.InRange(large - small, (4096 - 64) * sizeof(float), (4096 - 64) * sizeof(float) + 64);
    }

    [Fact]
    public void Reading_a_binary_tensor_request_allocates_the_tensor_copy_and_a_few_fixed_objects_only()
    {
        var header = Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,64],\"parameters\":{\"binary_data_size\":256}}],\"parameters\":{\"binary_data_output\":true}}");
        byte[] body = [.. header, .. new byte[256]];

        var bytes = AllocatedPerRead(body, header.Length);

        Assert.InRange(bytes, 64 * sizeof(float), 520);
    }

    private static long AllocatedPerRead(byte[] body, long? headerLength = null)
    {
        const int Reads = 200;
        for (var i = 0; i < 20; i++)
        {
            _ = InferRequestReader.Read(body, headerLength, "mlp", Inputs, Outputs, long.MaxValue);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Reads; i++)
        {
            _ = InferRequestReader.Read(body, headerLength, "mlp", Inputs, Outputs, long.MaxValue);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Reads;
    }

    private static byte[] Body(int elements, int rows = 1)
    {
        var data = string.Join(",", Enumerable.Range(0, elements).Select(i => ((i % 33 - 16) / 16f).ToString(CultureInfo.InvariantCulture)));
        return Encoding.UTF8.GetBytes(
            $"{{\"inputs\":[{{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[{rows},{elements / rows}],\"data\":[{data}]}}]}}");
    }
}
