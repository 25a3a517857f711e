using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>An API failure that becomes a meta/v1 Status body with the same texts kube-apiserver uses.</summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;
    public TimeSpan? RetryAfter { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }

    public static string QualifiedResource(ResourceType t) => t.GroupResource;

    private static JsonObject DetailsFor(ResourceType t, string name, string? kind = null)
    {
        var d = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0) d["group"] = t.Group;
        d["kind"] = kind ?? t.Plural;
        return d;
    }

    public static ApiError NotFound(ResourceType t, string name) =>
        new(404, "NotFound", $"{t.GroupResource} \"{name}\" not found", DetailsFor(t, name));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiError AlreadyExists(ResourceType t, string name) =>
        new(409, "AlreadyExists", $"{t.GroupResource} \"{name}\" already exists", DetailsFor(t, name));

    public static ApiError Conflict(ResourceType t, string name, string? why = null) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {t.GroupResource} \"{name}\": {why ?? "the object has been modified; please apply your changes to the latest version and try again"}",
            DetailsFor(t, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = $"{method} not allowed" }) });

    public static ApiError UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiError NoSuchResource() =>
        new(404, "NotFound", "the server could not find the requested resource",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = "404 page not found" }) });

    public static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiError Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    /// <summary>422 Invalid: message `Kind.group "name" is invalid: field: message[, ...]`, details.kind is the Kind.</summary>
    public static ApiError Invalid(ResourceType t, string name, IReadOnlyList<(string Reason, string Field, string Message)> causes) =>
        Invalid(t.Group.Length == 0 ? t.Kind : $"{t.Kind}.{t.Group}", t.Group, t.Kind, name, causes);

    public static ApiError Invalid(string qualifiedKind, string group, string kind, string name, IReadOnlyList<(string Reason, string Field, string Message)> causes)
    {
        var parts = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var summary = parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0) details["group"] = group;
        details["kind"] = kind;
        details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field })]);
        return new ApiError(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {summary}", details);
    }

    public static ApiError Invalid(ResourceType t, string name, string reason, string field, string message) => Invalid(t, name, [(reason, field, message)]);

    public static ApiError ForCode(int code, string message) => code switch
    {
        400 => new(400, "BadRequest", message),
        401 => new(401, "Unauthorized", message),
        403 => new(403, "Forbidden", message),
        404 => new(404, "NotFound", message),
        409 => new(409, "Conflict", message),
        410 => new(410, "Expired", message),
        422 => new(422, "Invalid", message),
        429 => new(429, "TooManyRequests", message),
        503 => new(503, "ServiceUnavailable", message),
        504 => new(504, "Timeout", message),
        _ => new(code, "InternalError", message),
    };
}
