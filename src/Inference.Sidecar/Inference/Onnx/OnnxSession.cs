using System.Runtime.InteropServices;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// One loaded model. <see cref="Run"/> is safe to call from many threads at once (ORT sessions are), and every
/// native object a run creates is released before it returns, whatever happens.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtApi api;
    private readonly OrtHandle session;
    private readonly IntPtr allocator;
    private readonly byte** inputNames;
    private readonly byte** outputNames;
    private long liveValues;

    private OnnxSession(OnnxRuntime runtime, OrtHandle session, IReadOnlyList<TensorInfo> inputs, IReadOnlyList<TensorInfo> outputs)
    {
        api = runtime.Api;
        this.session = session;
        allocator = api.DefaultAllocator();
        Inputs = inputs;
        Outputs = outputs;
        inputNames = NativeNames(inputs);
        outputNames = NativeNames(outputs);
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Native OrtValues this session created and has not yet released: zero between runs, or a leak.</summary>
    internal long LiveValues => Interlocked.Read(ref liveValues);

    internal static OnnxSession Create(OnnxRuntime runtime, string modelPath, SessionSettings settings)
    {
        var api = runtime.Api;
        using var options = new OrtHandle(api, api.CreateSessionOptions(), OrtApiIndex.ReleaseSessionOptions);
        api.SetGraphOptimizationLevel(options, settings.OptimizationLevel);
        api.SetIntraOpNumThreads(options, settings.IntraOpThreads);
        api.SetInterOpNumThreads(options, settings.InterOpThreads);
        AppendProviders(runtime, options, settings);

        var session = new OrtHandle(api, api.CreateSession(runtime.Env, modelPath, options), OrtApiIndex.ReleaseSession);
        try
        {
            var allocator = api.DefaultAllocator();
            var inputs = Describe(api, session, allocator, input: true);
            var outputs = Describe(api, session, allocator, input: false);
            return new OnnxSession(runtime, session, inputs, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void AppendProviders(OnnxRuntime runtime, OrtHandle options, SessionSettings settings)
    {
        var where = $"ONNX Runtime {runtime.Version} at '{runtime.LibraryPath}'";
        foreach (var provider in CheckProviders(settings.ExecutionProviders, runtime.AvailableProviders(), where))
        {
            try
            {
                runtime.Api.AppendCudaProvider(options, settings.DeviceId);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OnnxRuntimeException(e.Code,
                    $"could not enable {provider} (device {settings.DeviceId}) in {where}: {e.Message}. The library lists the " +
                    "provider, but its plugin libraries (libonnxruntime_providers_shared.so, libonnxruntime_providers_cuda.so) or " +
                    "the CUDA/cuDNN runtime are missing; use the GPU package of ONNX Runtime with its provider libraries beside it");
            }
        }
    }

    /// <summary>
    /// Checks the requested providers against what the library was built with and returns the ones that must be
    /// appended to the session options (CPU needs nothing: ORT always falls back to it).
    /// </summary>
    internal static IReadOnlyList<string> CheckProviders(IReadOnlyList<string> requested, IReadOnlyList<string> available, string where)
    {
        var append = new List<string>();
        foreach (var provider in requested)
        {
            if (!available.Contains(provider, StringComparer.Ordinal))
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                    $"execution provider '{provider}' is not available in {where} (available: {string.Join(", ", available)}); " +
                    "use a build of libonnxruntime that includes it");
            }

            switch (provider)
            {
                case "CPUExecutionProvider":
                    break;
                case "CUDAExecutionProvider":
                    append.Add(provider);
                    break;
                default:
                    throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                        $"execution provider '{provider}' is available in {where}, but this sidecar only selects CPUExecutionProvider and CUDAExecutionProvider");
            }
        }

        return append;
    }

    private static TensorInfo[] Describe(OrtApi api, OrtHandle session, IntPtr allocator, bool input)
    {
        var count = input ? api.SessionInputCount(session) : api.SessionOutputCount(session);
        var result = new TensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            var name = api.SessionIoName(session, i, input, allocator);
            var type = api.SessionIoType(session, i, input)
                ?? throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                    $"{(input ? "input" : "output")} '{name}' is not a tensor; only tensor inputs and outputs are served");
            _ = Tensor.ElementSize(type.Type); // rejects complex/bfloat16/etc. at load time, not at first request
            result[(int)i] = new TensorInfo(name, type.Type, type.Shape);
        }

        return result;
    }

    private static byte** NativeNames(IReadOnlyList<TensorInfo> infos)
    {
        var names = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(1, infos.Count), (nuint)sizeof(byte*));
        for (var i = 0; i < infos.Count; i++)
        {
            names[i] = new Utf8Buffer(infos[i].Name).Pointer; // freed in Dispose
        }

        return names;
    }

    /// <summary>Runs the model on inputs given in <see cref="Inputs"/> order and returns the chosen outputs.</summary>
    /// <param name="inputs">One tensor per model input, in model order.</param>
    /// <param name="outputIndexes">Indexes into <see cref="Outputs"/>, in the order results are wanted.</param>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<int> outputIndexes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(inputs.Count, Inputs.Count, nameof(inputs));
        var inputCount = inputs.Count;
        var outputCount = outputIndexes.Count;
        var values = stackalloc IntPtr[inputCount];
        var results = stackalloc IntPtr[outputCount];
        var wantedNames = stackalloc byte*[outputCount];
        for (var j = 0; j < outputCount; j++)
        {
            var index = outputIndexes[j];
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(outputIndexes));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Outputs.Count, nameof(outputIndexes));
            wantedNames[j] = outputNames[index];
            results[j] = IntPtr.Zero;
        }

        var addedRef = false;
        try
        {
            session.DangerousAddRef(ref addedRef); // a concurrent Dispose must not free the session mid-run
            for (var i = 0; i < inputCount; i++)
            {
                values[i] = IntPtr.Zero;
            }

            for (var i = 0; i < inputCount; i++)
            {
                values[i] = CreateValue(inputs[i]);
            }

            api.Run(session, inputNames, values, (nuint)inputCount, wantedNames, (nuint)outputCount, results);
            for (var j = 0; j < outputCount; j++)
            {
                if (results[j] != IntPtr.Zero)
                {
                    Interlocked.Increment(ref liveValues);
                }
            }

            var tensors = new Tensor[outputCount];
            for (var j = 0; j < outputCount; j++)
            {
                tensors[j] = ReadValue(results[j]);
            }

            return tensors;
        }
        finally
        {
            for (var i = 0; i < inputCount; i++)
            {
                if (values[i] != IntPtr.Zero)
                {
                    ReleaseValue(values[i]);
                }
            }

            for (var j = 0; j < outputCount; j++)
            {
                if (results[j] != IntPtr.Zero)
                {
                    ReleaseValue(results[j]);
                }
            }

            if (addedRef)
            {
                session.DangerousRelease();
            }
        }
    }

    /// <summary>Convenience for callers holding names: inputs by name, outputs by name (all when none given).</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, params string[] outputs)
    {
        var ordered = Inputs.Select(i => inputs.TryGetValue(i.Name, out var t) ? t : throw new ArgumentException($"missing input '{i.Name}'")).ToArray();
        var wanted = outputs.Length == 0
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputs.Select(o => Outputs.ToList().FindIndex(x => x.Name == o) is var k and >= 0 ? k : throw new ArgumentException($"unknown output '{o}'")).ToArray();
        var tensors = Run(ordered, wanted);
        return wanted.Select((k, j) => (Outputs[k].Name, tensors[j])).ToDictionary(p => p.Name, p => p.Item2);
    }

    private void ReleaseValue(IntPtr value)
    {
        api.Release(OrtApiIndex.ReleaseValue, value);
        Interlocked.Decrement(ref liveValues);
    }

    private IntPtr CreateValue(Tensor tensor)
    {
        var value = api.CreateTensor(allocator, tensor.Shape, tensor.ElementType);
        Interlocked.Increment(ref liveValues);
        try
        {
            if (tensor.ElementType == TensorElementType.String)
            {
                FillStrings(value, tensor.Strings!);
            }
            else if (tensor.Bytes.Length > 0)
            {
                var data = api.TensorData(value);
                tensor.Bytes.AsSpan().CopyTo(new Span<byte>(data, tensor.Bytes.Length));
            }

            return value;
        }
        catch
        {
            ReleaseValue(value);
            throw;
        }
    }

    private void FillStrings(IntPtr value, byte[][] strings)
    {
        if (strings.Length == 0)
        {
            return;
        }

        nuint total = 0;
        foreach (var s in strings)
        {
            if (s.AsSpan().Contains((byte)0))
            {
                throw new ArgumentException("string tensor elements may not contain NUL bytes (ONNX Runtime takes C strings)");
            }

            total += (nuint)s.Length + 1;
        }

        var block = (byte*)NativeMemory.Alloc(total);
        var pointers = (byte**)NativeMemory.Alloc((nuint)strings.Length, (nuint)sizeof(byte*));
        try
        {
            var cursor = block;
            for (var i = 0; i < strings.Length; i++)
            {
                pointers[i] = cursor;
                strings[i].AsSpan().CopyTo(new Span<byte>(cursor, strings[i].Length));
                cursor += strings[i].Length;
                *cursor++ = 0;
            }

            api.FillStringTensor(value, pointers, (nuint)strings.Length);
        }
        finally
        {
            NativeMemory.Free(pointers);
            NativeMemory.Free(block);
        }
    }

    private Tensor ReadValue(IntPtr value)
    {
        var (type, shape, count) = api.TensorTypeAndShape(value);
        if (type == TensorElementType.String)
        {
            return Tensor.FromStrings(shape, ReadStrings(value, count));
        }

        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)(count * Tensor.ElementSize(type))));
        if (bytes.Length > 0)
        {
            new ReadOnlySpan<byte>(api.TensorData(value), bytes.Length).CopyTo(bytes);
        }

        return Tensor.FromBytes(type, shape, bytes);
    }

    private byte[][] ReadStrings(IntPtr value, long count)
    {
        var strings = new byte[count][];
        if (count == 0)
        {
            return strings;
        }

        var length = api.StringTensorDataLength(value);
        var buffer = (byte*)NativeMemory.Alloc(Math.Max(length, 1));
        var offsets = (nuint*)NativeMemory.Alloc((nuint)count, (nuint)sizeof(nuint));
        try
        {
            api.StringTensorContent(value, buffer, length, offsets, (nuint)count);
            for (long i = 0; i < count; i++)
            {
                var end = i + 1 < count ? offsets[i + 1] : length;
                strings[i] = new ReadOnlySpan<byte>(buffer + offsets[i], (int)(end - offsets[i])).ToArray();
            }

            return strings;
        }
        finally
        {
            NativeMemory.Free(offsets);
            NativeMemory.Free(buffer);
        }
    }

    public void Dispose()
    {
        if (session.IsClosed)
        {
            return;
        }

        session.Dispose();
        FreeNames(inputNames, Inputs.Count);
        FreeNames(outputNames, Outputs.Count);
    }

    private static void FreeNames(byte** names, int count)
    {
        for (var i = 0; i < count; i++)
        {
            NativeMemory.Free(names[i]);
        }

        NativeMemory.Free(names);
    }
}
