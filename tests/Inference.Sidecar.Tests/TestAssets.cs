using System.Text.Json;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>Where the test models and the ONNX Runtime library are, and the numpy reference outputs.</summary>
public static class TestAssets
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModelsDirectory => Path.Combine(RepoRoot, "tests", "models");

    public static string Model(string name) => Path.Combine(ModelsDirectory, name + ".onnx");

    /// <summary>The package's native ONNX Runtime (Microsoft.ML.OnnxRuntime, restored with the projects).</summary>
    public static OnnxRuntime Runtime => OnnxRuntime.Shared;

    /// <summary>Whether CUDA sessions can be created here (GPU package, a GPU and the CUDA runtime); false on this repo's CI.</summary>
    public static bool CudaUsable { get; } = ProbeCuda();

    private static bool ProbeCuda()
    {
        try
        {
            using var session = Runtime.CreateSession(Model("mlp"), new SessionSettings { ExecutionProviders = ["CUDAExecutionProvider", "CPUExecutionProvider"] });
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    public static OnnxSession Session(string model, SessionSettings? settings = null) =>
        Runtime.CreateSession(Model(model), settings ?? new SessionSettings { IntraOpThreads = 1 });

    /// <summary>The generator's inputs and numpy outputs for a model, decoded with the sidecar's own JSON reader.</summary>
    public static (Dictionary<string, Tensor> Inputs, Dictionary<string, Tensor> Outputs) Reference(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ModelsDirectory, model + ".reference.json")));
        return (Decode(doc.RootElement.GetProperty("inputs")), Decode(doc.RootElement.GetProperty("outputs")));
    }

    /// <summary>The reference JSON section verbatim ({name: {datatype, shape, data}}), to build HTTP requests from.</summary>
    public static JsonElement ReferenceJson(string model, string section)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ModelsDirectory, model + ".reference.json")));
        return doc.RootElement.GetProperty(section).Clone();
    }

    private static Dictionary<string, Tensor> Decode(JsonElement section)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var property in section.EnumerateObject())
        {
            var datatype = property.Value.GetProperty("datatype").GetString()!;
            Assert.True(DataTypeNames.TryParse(datatype, out var type), datatype);
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            result[property.Name] = JsonTensorCodec.Read(property.Value.GetProperty("data"), property.Name, type, shape, long.MaxValue);
        }

        return result;
    }

    public static void AssertSameTensor(Tensor expected, Tensor actual, string name, double tolerance = 0)
    {
        Assert.Equal(expected.ElementType, actual.ElementType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.ElementType == TensorElementType.String)
        {
            Assert.Equal(expected.ToStrings(), actual.ToStrings());
        }
        else if (tolerance == 0)
        {
            Assert.True(expected.Bytes.AsSpan().SequenceEqual(actual.Bytes), $"{name}: tensors differ bitwise");
        }
        else
        {
            var e = expected.ToArray<float>();
            var a = actual.ToArray<float>();
            for (var i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{name}[{i}]: expected {e[i]}, got {a[i]}");
            }
        }
    }

    /// <summary>Decodes each JSON output with the sidecar's reader and compares it with numpy's, bit for bit where exact.</summary>
    public static void AssertOutputsMatchReference(string model, JsonElement body)
    {
        var (_, expected) = TestAssets.Reference(model);
        foreach (var output in body.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            Assert.True(DataTypeNames.TryParse(output.GetProperty("datatype").GetString()!, out var type));
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var actual = JsonTensorCodec.Read(output.GetProperty("data"), name, type, shape, long.MaxValue);
            TestAssets.AssertSameTensor(expected[name], actual, $"{model}.{name}", name == "probabilities" ? 1e-6 : 0);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (MlOperator.sln) above " + AppContext.BaseDirectory);
    }
}
