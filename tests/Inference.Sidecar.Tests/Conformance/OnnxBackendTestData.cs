namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>
/// The ONNX backend test models from Debian's <c>libonnx-testdata</c> (installed by <c>make deps</c>), under
/// /usr/share/libonnx-testdata/data/{node,pytorch-converted,pytorch-operator,simple}/test_*/ with model.onnx and
/// test_data_set_N/{input,output}_M.pb. <c>ONNX_TESTDATA</c> points elsewhere.
/// </summary>
public static class OnnxBackendTestData
{
    public static string Root =>
        Environment.GetEnvironmentVariable("ONNX_TESTDATA") is { Length: > 0 } configured ? configured : "/usr/share/libonnx-testdata/data";

    public static IReadOnlyList<ConformanceCase> All()
    {
        if (!Directory.Exists(Root))
        {
            throw new InvalidOperationException(
                $"The ONNX backend test data is not at '{Root}'. Run `make deps` (apt-get install libonnx-testdata) or set ONNX_TESTDATA.");
        }

        return Directory.EnumerateDirectories(Root)
            .SelectMany(suite => Directory.EnumerateDirectories(suite, "test_*"))
            .Where(dir => File.Exists(Path.Combine(dir, "model.onnx")))
            .Select(dir => new ConformanceCase(
                $"{Path.GetFileName(Path.GetDirectoryName(dir))}/{Path.GetFileName(dir)}",
                Path.Combine(dir, "model.onnx"),
                Directory.EnumerateDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal).ToArray()))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public static ConformanceCase Find(string name) =>
        All().FirstOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"no ONNX backend test '{name}' under {Root}");

    /// <summary>input_0.pb, input_1.pb, … (or output_) in numeric order.</summary>
    public static string[] Files(string dataSet, string prefix) =>
        Directory.EnumerateFiles(dataSet, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
}
