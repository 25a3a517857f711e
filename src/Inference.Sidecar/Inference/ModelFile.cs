using System.Security.Cryptography;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>Integrity check of the model file before ONNX Runtime ever parses it.</summary>
public static class ModelFile
{
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Returns the file's digest; throws, naming both digests, when an expected one is given and differs.</summary>
    public static string Verify(string path, string? expectedSha256)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"model file '{path}' does not exist");
        }

        var actual = Sha256(path);
        if (expectedSha256 is not null && !string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"model file '{path}' has sha256 {actual}, but {expectedSha256} was expected; refusing to serve it");
        }

        return actual;
    }
}
