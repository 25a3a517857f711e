namespace MlOperator.Operator.Api.V1Alpha1;

public enum ModelUriKind
{
    /// <summary>pvc://claim/path: the claim is mounted read-only.</summary>
    Pvc,

    /// <summary>file:///path: the model is baked into the image.</summary>
    File,

    /// <summary>http(s)://…: an init container downloads it into an emptyDir.</summary>
    Http,
}
