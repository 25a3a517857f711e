using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>The KServe V2 / Open Inference Protocol REST routes.</summary>
public static class V2Endpoints
{
    public const string ServerName = "mloperator-inference-sidecar";
    public const string ServerVersion = "0.1.0";

    /// <remarks>
    /// No catch-all fallback: it would also catch a known path with the wrong method. Without it, routing answers
    /// 405 with <c>Allow</c> for those and 404 for unknown paths, and the JSON error pages give both a JSON body.
    /// </remarks>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", () => Results.Json(
            new ServerMetadata(ServerName, ServerVersion, ["binary_tensor_data"]), SidecarJsonContext.Default.ServerMetadata));
        app.MapGet("/v2/health/live", () => Results.Text("{\"live\":true}", "application/json"));
        app.MapGet("/v2/health/ready", (ModelHost model, ShutdownDrain drain) => Ready(model, drain));

        app.MapGet("/v2/models/{name}", (ModelHost model, string name) => Metadata(model, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}", (ModelHost model, string name, string version) => Metadata(model, name, version));
        app.MapGet("/v2/models/{name}/ready", (ModelHost model, ShutdownDrain drain, string name) => Ready(model, drain, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (ModelHost model, ShutdownDrain drain, string name, string version) => Ready(model, drain, name, version));
        app.MapPost("/v2/models/{name}/infer", (HttpContext context, InferHandler handler, string name) => handler.HandleAsync(context, name, null));
        app.MapPost("/v2/models/{name}/versions/{version}/infer",
            (HttpContext context, InferHandler handler, string name, string version) => handler.HandleAsync(context, name, version));
    }

    private static IResult Metadata(ModelHost model, string name, string? version)
    {
        try
        {
            ModelRoutes.Check(model, name, version);
            var session = model.Session;
            return Results.Json(new ModelMetadata(model.Name, [model.Version], "onnxruntime_onnx",
                    session.Inputs.Select(i => new TensorMetadata(i.Name, DataTypeNames.Name(i.ElementType), i.Shape)).ToArray(),
                    session.Outputs.Select(o => new TensorMetadata(o.Name, DataTypeNames.Name(o.ElementType), o.Shape)).ToArray()),
                SidecarJsonContext.Default.ModelMetadata);
        }
        catch (InferenceException e)
        {
            return Error(ErrorStatus.Of(e.Error), e.Message);
        }
    }

    private static IResult Ready(ModelHost model, ShutdownDrain drain, string name, string? version)
    {
        try
        {
            ModelRoutes.Check(model, name, version);
            return Ready(model, drain);
        }
        catch (InferenceException e)
        {
            return Error(ErrorStatus.Of(e.Error), e.Message);
        }
    }

    /// <summary>Server readiness: the model loaded and warmed up, and the sidecar not shutting down.</summary>
    private static IResult Ready(ModelHost model, ShutdownDrain drain) => (model.IsReady, drain.Draining) switch
    {
        (_, true) => Error(StatusCodes.Status503ServiceUnavailable, $"model '{model.Name}' is shutting down"),
        (true, _) => Results.Text("{\"ready\":true}", "application/json"),
        _ => Error(StatusCodes.Status503ServiceUnavailable, $"model '{model.Name}' is not ready yet"),
    };

    public static IResult Error(int statusCode, string message) =>
        Results.Json(new ErrorBody(message), SidecarJsonContext.Relaxed.ErrorBody, statusCode: statusCode);
}
