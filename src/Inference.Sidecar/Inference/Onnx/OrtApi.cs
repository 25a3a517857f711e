using System.Runtime.InteropServices;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// Typed calls through ONNX Runtime's <c>OrtApi</c> function table. Each method casts one slot (see
/// <see cref="OrtApiIndex"/>) to an unmanaged function pointer and turns a non-null <c>OrtStatus*</c> into an
/// <see cref="OnnxRuntimeException"/> with ORT's message.
/// </summary>
internal sealed unsafe class OrtApi
{
    private readonly void** table;

    private OrtApi(void** table) => this.table = table;

    public string Version { get; private init; } = "";

    /// <summary>Resolves <c>OrtGetApiBase</c> in an already loaded library and asks for our API version.</summary>
    public static OrtApi FromLibrary(IntPtr library, string path)
    {
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail, $"'{path}' does not export OrtGetApiBase; is it libonnxruntime?");
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
        var apiBase = ((delegate* unmanaged<void**>)getApiBase)();
        var version = Marshal.PtrToStringUTF8((IntPtr)((delegate* unmanaged<byte*>)apiBase[1])()) ?? "unknown";
        var api = ((delegate* unmanaged<uint, void**>)apiBase[0])(OrtApiIndex.ApiVersion);
        if (api == null)
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail,
                $"ONNX Runtime {version} at '{path}' does not offer C API version {OrtApiIndex.ApiVersion}");
        }

        return new OrtApi(api) { Version = version };
    }

    private void* Slot(int index) => table[index];

    public void Check(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        var code = ((delegate* unmanaged<IntPtr, int>)Slot(OrtApiIndex.GetErrorCode))(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr, IntPtr>)Slot(OrtApiIndex.GetErrorMessage))(status)) ?? "";
        ((delegate* unmanaged<IntPtr, void>)Slot(OrtApiIndex.ReleaseStatus))(status);
        throw new OnnxRuntimeException((OrtErrorCode)code, message);
    }

    public void Release(int releaseIndex, IntPtr handle) => ((delegate* unmanaged<IntPtr, void>)Slot(releaseIndex))(handle);

    public IntPtr CreateEnv(int logSeverity, string logId)
    {
        IntPtr env;
        using var id = new Utf8Buffer(logId);
        Check(((delegate* unmanaged<int, byte*, IntPtr*, IntPtr>)Slot(OrtApiIndex.CreateEnv))(logSeverity, id.Pointer, &env));
        return env;
    }

    public IntPtr CreateSessionOptions()
    {
        IntPtr options;
        Check(((delegate* unmanaged<IntPtr*, IntPtr>)Slot(OrtApiIndex.CreateSessionOptions))(&options));
        return options;
    }

    public void SetGraphOptimizationLevel(OrtHandle options, GraphOptimizationLevel level) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)Slot(OrtApiIndex.SetSessionGraphOptimizationLevel))(options.DangerousGetHandle(), (int)level));

    public void SetIntraOpNumThreads(OrtHandle options, int threads) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)Slot(OrtApiIndex.SetIntraOpNumThreads))(options.DangerousGetHandle(), threads));

    public void SetInterOpNumThreads(OrtHandle options, int threads) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)Slot(OrtApiIndex.SetInterOpNumThreads))(options.DangerousGetHandle(), threads));

    public void AppendCudaProvider(OrtHandle options, int deviceId)
    {
        var cuda = new OrtCudaProviderOptions
        {
            DeviceId = deviceId,
            CudnnConvAlgoSearch = 0,
            GpuMemLimit = nuint.MaxValue,
            ArenaExtendStrategy = 0,
            DoCopyInDefaultStream = 1,
        };
        Check(((delegate* unmanaged<IntPtr, OrtCudaProviderOptions*, IntPtr>)Slot(OrtApiIndex.SessionOptionsAppendExecutionProvider_CUDA))(options.DangerousGetHandle(), &cuda));
    }

    public IntPtr CreateSession(OrtHandle env, string modelPath, OrtHandle options)
    {
        IntPtr session;
        using var path = new Utf8Buffer(modelPath);
        Check(((delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)Slot(OrtApiIndex.CreateSession))(
            env.DangerousGetHandle(), path.Pointer, options.DangerousGetHandle(), &session));
        return session;
    }

    public IntPtr DefaultAllocator()
    {
        IntPtr allocator;
        Check(((delegate* unmanaged<IntPtr*, IntPtr>)Slot(OrtApiIndex.GetAllocatorWithDefaultOptions))(&allocator));
        return allocator;
    }

    public nuint SessionInputCount(OrtHandle session)
    {
        nuint count;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)Slot(OrtApiIndex.SessionGetInputCount))(session.DangerousGetHandle(), &count));
        return count;
    }

    public nuint SessionOutputCount(OrtHandle session)
    {
        nuint count;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)Slot(OrtApiIndex.SessionGetOutputCount))(session.DangerousGetHandle(), &count));
        return count;
    }

    public string SessionIoName(OrtHandle session, nuint index, bool input, IntPtr allocator)
    {
        byte* name;
        var slot = input ? OrtApiIndex.SessionGetInputName : OrtApiIndex.SessionGetOutputName;
        Check(((delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)Slot(slot))(session.DangerousGetHandle(), index, allocator, &name));
        try
        {
            return Marshal.PtrToStringUTF8((IntPtr)name) ?? "";
        }
        finally
        {
            Check(((delegate* unmanaged<IntPtr, void*, IntPtr>)Slot(OrtApiIndex.AllocatorFree))(allocator, name));
        }
    }

    /// <summary>Element type and shape of a session input or output; null when it is not a tensor.</summary>
    public (TensorElementType Type, long[] Shape)? SessionIoType(OrtHandle session, nuint index, bool input)
    {
        IntPtr typeInfo;
        var slot = input ? OrtApiIndex.SessionGetInputTypeInfo : OrtApiIndex.SessionGetOutputTypeInfo;
        Check(((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)Slot(slot))(session.DangerousGetHandle(), index, &typeInfo));
        using var owned = new OrtHandle(this, typeInfo, OrtApiIndex.ReleaseTypeInfo);
        int onnxType;
        Check(((delegate* unmanaged<IntPtr, int*, IntPtr>)Slot(OrtApiIndex.GetOnnxTypeFromTypeInfo))(typeInfo, &onnxType));
        if (onnxType != 1)
        {
            return null;
        }

        IntPtr tensorInfo; // owned by typeInfo
        Check(((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)Slot(OrtApiIndex.CastTypeInfoToTensorInfo))(typeInfo, &tensorInfo));
        return (ElementType(tensorInfo), Dimensions(tensorInfo));
    }

    public IntPtr CreateTensor(IntPtr allocator, ReadOnlySpan<long> shape, TensorElementType type)
    {
        IntPtr value;
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged<IntPtr, long*, nuint, int, IntPtr*, IntPtr>)Slot(OrtApiIndex.CreateTensorAsOrtValue))(
                allocator, dims, (nuint)shape.Length, (int)type, &value));
        }

        return value;
    }

    public void* TensorData(IntPtr value)
    {
        void* data;
        Check(((delegate* unmanaged<IntPtr, void**, IntPtr>)Slot(OrtApiIndex.GetTensorMutableData))(value, &data));
        return data;
    }

    public void FillStringTensor(IntPtr value, byte** strings, nuint count) =>
        Check(((delegate* unmanaged<IntPtr, byte**, nuint, IntPtr>)Slot(OrtApiIndex.FillStringTensor))(value, strings, count));

    public nuint StringTensorDataLength(IntPtr value)
    {
        nuint length;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)Slot(OrtApiIndex.GetStringTensorDataLength))(value, &length));
        return length;
    }

    public void StringTensorContent(IntPtr value, byte* buffer, nuint length, nuint* offsets, nuint count) =>
        Check(((delegate* unmanaged<IntPtr, byte*, nuint, nuint*, nuint, IntPtr>)Slot(OrtApiIndex.GetStringTensorContent))(
            value, buffer, length, offsets, count));

    /// <summary>Element type, shape and element count of a tensor value.</summary>
    public (TensorElementType Type, long[] Shape, long Count) TensorTypeAndShape(IntPtr value)
    {
        IntPtr info;
        Check(((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)Slot(OrtApiIndex.GetTensorTypeAndShape))(value, &info));
        using var owned = new OrtHandle(this, info, OrtApiIndex.ReleaseTensorTypeAndShapeInfo);
        nuint count;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)Slot(OrtApiIndex.GetTensorShapeElementCount))(info, &count));
        return (ElementType(info), Dimensions(info), (long)count);
    }

    public void Run(OrtHandle session, byte** inputNames, IntPtr* inputs, nuint inputCount, byte** outputNames, nuint outputCount, IntPtr* outputs) =>
        Check(((delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr>)Slot(OrtApiIndex.Run))(
            session.DangerousGetHandle(), IntPtr.Zero, inputNames, inputs, inputCount, outputNames, outputCount, outputs));

    public IReadOnlyList<string> AvailableProviders()
    {
        byte** names;
        int count;
        Check(((delegate* unmanaged<byte***, int*, IntPtr>)Slot(OrtApiIndex.GetAvailableProviders))(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((IntPtr)names[i]) ?? "";
            }

            return result;
        }
        finally
        {
            Check(((delegate* unmanaged<byte**, int, IntPtr>)Slot(OrtApiIndex.ReleaseAvailableProviders))(names, count));
        }
    }

    private TensorElementType ElementType(IntPtr tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged<IntPtr, int*, IntPtr>)Slot(OrtApiIndex.GetTensorElementType))(tensorInfo, &type));
        return (TensorElementType)type;
    }

    private long[] Dimensions(IntPtr tensorInfo)
    {
        nuint rank;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)Slot(OrtApiIndex.GetDimensionsCount))(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* p = dims)
        {
            Check(((delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)Slot(OrtApiIndex.GetDimensions))(tensorInfo, p, rank));
        }

        return dims;
    }

    /// <summary>Layout of the legacy <c>OrtCUDAProviderOptions</c> struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OrtCudaProviderOptions
    {
        public int DeviceId;
        public int CudnnConvAlgoSearch;
        public nuint GpuMemLimit;
        public int ArenaExtendStrategy;
        public int DoCopyInDefaultStream;
        public int HasUserComputeStream;
        public IntPtr UserComputeStream;
        public IntPtr DefaultMemoryArenaCfg;
    }
}
