using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>
/// Middleware ahead of routing: a POST to exactly the served model's infer path goes straight to
/// <see cref="InferHandler"/>, without route matching, route values, the status-code pages (the handler writes its own
/// JSON for every error) or a DI scope per request — about a fifth of the sidecar's CPU per request on the bench MLP.
/// Anything else (another model or version, another method, other casing or encoding) goes on to routing, which
/// maps the same routes to the same handler, so behaviour does not depend on which way a request took.
/// </summary>
public sealed class InferFastPath(InferHandler handler, ModelHost model)
{
    // A name or version with a '/' would make these paths match what routing, one segment per value, does not.
    private readonly string? plainPath = model.Name.Contains('/') ? null : $"/v2/models/{model.Name}/infer";
    private readonly string? versionedPath = model.Name.Contains('/') || model.Version.Contains('/')
        ? null
        : $"/v2/models/{model.Name}/versions/{model.Version}/infer";

    public RequestDelegate Wrap(RequestDelegate next) => context =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.PathBase.Value is null or "" && request.Path.Value is { } path)
        {
            if (string.Equals(path, plainPath, StringComparison.Ordinal))
            {
                return handler.HandleAsync(context, model.Name, null);
            }

            if (string.Equals(path, versionedPath, StringComparison.Ordinal))
            {
                return handler.HandleAsync(context, model.Name, model.Version);
            }
        }

        return next(context);
    };
}
