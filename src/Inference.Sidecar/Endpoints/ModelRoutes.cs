using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>The model and version parts of a V2 route: anything but the served model is a 404 that says what is served.</summary>
public static class ModelRoutes
{
    public static void Check(ModelHost model, string name, string? version)
    {
        if (!string.Equals(name, model.Name, StringComparison.Ordinal))
        {
            throw new InferenceException(InferenceError.UnknownModel, $"unknown model '{name}'; this server serves '{model.Name}'");
        }

        if (version is not null && !string.Equals(version, model.Version, StringComparison.Ordinal))
        {
            throw new InferenceException(InferenceError.UnknownModel,
                $"unknown version '{version}' of model '{model.Name}'; this server serves version '{model.Version}'");
        }
    }
}
