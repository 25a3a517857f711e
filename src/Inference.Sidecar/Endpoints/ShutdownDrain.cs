namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>
/// Whether the sidecar is shutting down. From the moment it is asked to stop (SIGTERM, when the pod is deleted) it
/// reports not ready and answers every request with <c>Connection: close</c>, so keep-alive clients move to other pods,
/// while it still accepts and serves: until kube-proxy (or a service mesh) has taken the pod out of the Service, new
/// connections keep arriving, and a closed listener would refuse them.
/// </summary>
public sealed class ShutdownDrain
{
    private volatile bool draining;

    public bool Draining => draining;

    public void Begin() => draining = true;

    /// <summary>Middleware: <c>Connection: close</c> on every response once draining (Kestrel then ends the connection).</summary>
    public RequestDelegate Wrap(RequestDelegate next) => context =>
    {
        if (draining)
        {
            context.Response.Headers.Connection = "close";
        }

        return next(context);
    };
}
