namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// Slots of the <c>OrtApi</c> function table that this binding calls. The table is a C struct of function
/// pointers; a function's index is its member position in <c>struct OrtApi</c>. Counted from
/// include/onnxruntime/core/session/onnxruntime_c_api.h of microsoft/onnxruntime at commit
/// 0017800f6539412b364502d8b59c11463a6411e6 (ORT_API_VERSION 13). ONNX Runtime only ever appends to the
/// table, so these slots are the same in every later library, including the 1.30.0 build that
/// onnxruntime-node@1.30.0 ships (API versions 1–30); we ask for version 13 so older libraries work too.
/// </summary>
internal static class OrtApiIndex
{
    public const uint ApiVersion = 13;

    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int CreateSession = 7;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetSessionGraphOptimizationLevel = 23;
    public const int SetIntraOpNumThreads = 24;
    public const int SetInterOpNumThreads = 25;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateTensorAsOrtValue = 48;
    public const int GetTensorMutableData = 51;
    public const int FillStringTensor = 52;
    public const int GetStringTensorDataLength = 53;
    public const int GetStringTensorContent = 54;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetTensorShapeElementCount = 64;
    public const int GetTensorTypeAndShape = 65;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;
    public const int GetAvailableProviders = 125;
    public const int ReleaseAvailableProviders = 126;
    public const int ReleaseAllocator = 132;
    public const int SessionOptionsAppendExecutionProvider_CUDA = 152;
}
