namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// One validation failure, shaped like a kube-apiserver Status cause: <see cref="Reason"/> is the cause
/// type (FieldValueRequired, FieldValueInvalid, ...), <see cref="Field"/> the JSON path ("spec.steps[1].weight")
/// and <see cref="Message"/> the field error body without the field ("Required value").
/// </summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public const string Required = "FieldValueRequired";
    public const string Invalid = "FieldValueInvalid";
    public const string TypeInvalid = "FieldValueTypeInvalid";
    public const string NotSupported = "FieldValueNotSupported";
    public const string Duplicate = "FieldValueDuplicate";
    public const string TooLong = "FieldValueTooLong";
    public const string TooMany = "FieldValueTooMany";
    public const string Forbidden = "FieldValueForbidden";

    /// <summary>"field: body", the form kube aggregates into a Status message.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
