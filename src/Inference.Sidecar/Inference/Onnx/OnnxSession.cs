using System.Runtime.InteropServices;
using System.Text;
using Ort = Microsoft.ML.OnnxRuntime;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// One loaded model on the package's <see cref="Ort.InferenceSession"/>. <see cref="Run"/> is safe to call from many
/// threads at once (ORT sessions are). Inputs are not copied: each tensor's managed buffer is pinned for the run and
/// wrapped as an <see cref="Ort.OrtValue"/> over that memory. Every OrtValue a run creates or receives is disposed
/// before it returns, whatever happens, and counted in <see cref="LiveValues"/> until then.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private static readonly byte[] Empty = GC.AllocateArray<byte>(1, pinned: true);

    private readonly Ort.InferenceSession session;
    private readonly Ort.RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private long liveValues;
    private int disposed;

    private OnnxSession(Ort.InferenceSession session, TensorInfo[] inputs, TensorInfo[] outputs)
    {
        this.session = session;
        Inputs = inputs;
        Outputs = outputs;
        inputNames = inputs.Select(i => i.Name).ToArray();
        outputNames = outputs.Select(o => o.Name).ToArray();
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>OrtValues this session created or received and has not yet disposed: zero between runs, or a leak.</summary>
    internal long LiveValues => Interlocked.Read(ref liveValues);

    internal static OnnxSession Create(OnnxRuntime runtime, string modelPath, SessionSettings settings)
    {
        using var options = new Ort.SessionOptions
        {
            GraphOptimizationLevel = settings.OptimizationLevel switch
            {
                GraphOptimizationLevel.Disable => Ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimizationLevel.Basic => Ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimizationLevel.Extended => Ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => Ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            // ORT's own default counts the host's cores, not the pod's: in a 1-CPU pod on a 64-core node it would start a
            // spinning pool of 64 threads fighting over one CPU. .NET's count honours the cgroup limit and the affinity.
            IntraOpNumThreads = settings.IntraOpThreads > 0 ? settings.IntraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = settings.InterOpThreads,
        };
        AppendProviders(runtime, options, settings);

        Ort.InferenceSession session;
        try
        {
            session = new Ort.InferenceSession(modelPath, options);
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OnnxRuntimeException.From(e);
        }

        try
        {
            var inputs = Describe(session.InputNames, session.InputMetadata, "input");
            var outputs = Describe(session.OutputNames, session.OutputMetadata, "output");
            return new OnnxSession(session, inputs, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void AppendProviders(OnnxRuntime runtime, Ort.SessionOptions options, SessionSettings settings)
    {
        foreach (var provider in CheckProviders(settings.ExecutionProviders, runtime.AvailableProviders(), runtime.Description))
        {
            try
            {
                options.AppendExecutionProvider_CUDA(settings.DeviceId);
            }
            catch (Exception e) when (e is Ort.OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                throw new OnnxRuntimeException(OrtErrorCode.EpFail,
                    $"could not enable {provider} (device {settings.DeviceId}) in {runtime.Description}: {e.Message}. The library lists the " +
                    "provider, but the CUDA/cuDNN runtime, a GPU or the provider plugin (libonnxruntime_providers_cuda.so) is missing", e);
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
                    "CUDA needs the GPU image, built with -p:OnnxRuntimeFlavor=Gpu (docker build --build-arg ORT_FLAVOR=Gpu)");
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

    private static TensorInfo[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, Ort.NodeMetadata> metadata, string kind)
    {
        var result = new TensorInfo[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var node = metadata[names[i]];
            if (!node.IsTensor)
            {
                throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                    $"{kind} '{names[i]}' is a {node.OnnxValueType}, not a tensor; only tensor inputs and outputs are served");
            }

            var type = (TensorElementType)(int)node.ElementDataType;
            _ = Tensor.ElementSize(type); // rejects complex, float8, 4-bit etc. at load time, not at first request
            result[i] = new TensorInfo(names[i], type, node.Dimensions.Select(d => (long)d).ToArray());
        }

        return result;
    }

    /// <summary>Runs the model on inputs given in <see cref="Inputs"/> order and returns the chosen outputs.</summary>
    /// <param name="inputs">One tensor per model input, in model order.</param>
    /// <param name="outputIndexes">Indexes into <see cref="Outputs"/>, in the order results are wanted.</param>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<int> outputIndexes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(inputs.Count, Inputs.Count, nameof(inputs));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var wanted = WantedNames(outputIndexes);
        var values = new Ort.OrtValue[inputs.Count];
        Span<GCHandle> pins = inputs.Count <= 16 ? stackalloc GCHandle[inputs.Count] : new GCHandle[inputs.Count];
        Ort.IDisposableReadOnlyCollection<Ort.OrtValue>? results = null;
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = CreateValue(inputs[i], ref pins[i]);
            }

            try
            {
                results = session.Run(runOptions, inputNames, values, wanted);
            }
            catch (Ort.OnnxRuntimeException e)
            {
                throw OnnxRuntimeException.From(e);
            }

            Interlocked.Add(ref liveValues, results.Count);
            var tensors = new Tensor[results.Count];
            if (results is IReadOnlyList<Ort.OrtValue> list)
            {
                // The package returns a list: indexing it boxes no enumerator (foreach over the interface would).
                for (var j = 0; j < tensors.Length; j++)
                {
                    tensors[j] = ReadValue(list[j]);
                }
            }
            else
            {
                var j = 0;
                foreach (var value in results)
                {
                    tensors[j++] = ReadValue(value);
                }
            }

            return tensors;
        }
        finally
        {
            foreach (var value in values)
            {
                Release(value);
            }

            foreach (ref var pin in pins)
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }

            if (results is IReadOnlyList<Ort.OrtValue> outputs)
            {
                for (var j = 0; j < outputs.Count; j++)
                {
                    Release(outputs[j]);
                }
            }
            else if (results is not null)
            {
                foreach (var value in results)
                {
                    Release(value);
                }
            }
        }
    }

    /// <summary>Convenience for callers holding names: inputs by name, outputs by name (all when none given).</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, params string[] outputs)
    {
        var ordered = Inputs.Select(i => inputs.TryGetValue(i.Name, out var t) ? t : throw new ArgumentException($"missing input '{i.Name}'")).ToArray();
        var wanted = outputs.Length == 0
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputs.Select(o => Array.IndexOf(outputNames, o) is var k and >= 0 ? k : throw new ArgumentException($"unknown output '{o}'")).ToArray();
        var tensors = Run(ordered, wanted);
        return wanted.Select((k, j) => (Outputs[k].Name, tensors[j])).ToDictionary(p => p.Name, p => p.Item2);
    }

    /// <summary>The cached array of all output names when all are wanted in model order (the usual request).</summary>
    private string[] WantedNames(IReadOnlyList<int> outputIndexes)
    {
        var all = outputIndexes.Count == outputNames.Length;
        for (var j = 0; j < outputIndexes.Count; j++)
        {
            var index = outputIndexes[j];
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(outputIndexes));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, outputNames.Length, nameof(outputIndexes));
            all &= index == j;
        }

        if (all)
        {
            return outputNames;
        }

        var names = new string[outputIndexes.Count];
        for (var j = 0; j < names.Length; j++)
        {
            names[j] = outputNames[outputIndexes[j]];
        }

        return names;
    }

    private void Release(Ort.OrtValue? value)
    {
        if (value is not null)
        {
            value.Dispose();
            Interlocked.Decrement(ref liveValues);
        }
    }

    private unsafe Ort.OrtValue CreateValue(Tensor tensor, ref GCHandle pin)
    {
        Ort.OrtValue value;
        if (tensor.ElementType == TensorElementType.String)
        {
            value = Ort.OrtValue.CreateTensorWithEmptyStrings(Ort.OrtAllocator.DefaultInstance, tensor.Shape);
            Interlocked.Increment(ref liveValues);
            try
            {
                var strings = tensor.Strings!;
                for (var k = 0; k < strings.Length; k++)
                {
                    value.StringTensorSetElementAt(strings[k], k);
                }
            }
            catch
            {
                Release(value);
                throw;
            }

            return value;
        }

        var bytes = tensor.Bytes.Length > 0 ? tensor.Bytes : Empty;
        pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        value = Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance,
            (Ort.Tensors.TensorElementType)(int)tensor.ElementType, tensor.Shape, pin.AddrOfPinnedObject(), tensor.Bytes.Length);
        Interlocked.Increment(ref liveValues);
        return value;
    }

    private static Tensor ReadValue(Ort.OrtValue value)
    {
        if (!value.IsTensor)
        {
            throw new OnnxRuntimeException(OrtErrorCode.NotImplemented, $"the model returned a {value.OnnxType}, not a tensor");
        }

        var info = value.GetTensorTypeAndShape();
        var type = (TensorElementType)(int)info.ElementDataType;
        var shape = info.Shape;
        if (type == TensorElementType.String)
        {
            var strings = new byte[info.ElementCount][];
            for (var k = 0; k < strings.Length; k++)
            {
                strings[k] = Encoding.UTF8.GetBytes(value.GetStringElement(k));
            }

            return Tensor.FromStrings(shape, strings);
        }

        var data = value.GetTensorMutableRawData();
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)(info.ElementCount * Tensor.ElementSize(type))));
        data[..bytes.Length].CopyTo(bytes);
        return Tensor.FromBytes(type, shape, bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        session.Dispose();
        runOptions.Dispose();
    }
}
