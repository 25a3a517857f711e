using System.Runtime.InteropServices;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// Owns one ONNX Runtime object (env, session options, session, value, allocator, type info) and releases it
/// with the matching <c>Release*</c> slot exactly once, even when a caller forgets to dispose it.
/// </summary>
internal sealed class OrtHandle : SafeHandle
{
    private readonly OrtApi api;
    private readonly int releaseIndex;

    public OrtHandle(OrtApi api, IntPtr handle, int releaseIndex) : base(IntPtr.Zero, ownsHandle: true)
    {
        this.api = api;
        this.releaseIndex = releaseIndex;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        api.Release(releaseIndex, handle);
        return true;
    }
}
