using System.Globalization;
using System.Text;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>REST paths and query strings for a [KubeResource] type, the way the apiserver routes them.</summary>
internal static class KubeUrl
{
    /// <summary>
    /// <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{sub}]]</c> or <c>/apis/{group}/{version}/…</c>; a null or empty
    /// <paramref name="ns"/> on a namespaced kind addresses all namespaces, and cluster-scoped kinds ignore it.
    /// </summary>
    public static string Path(KubeResourceAttribute resource, string? ns, string? name = null, string? subresource = null)
    {
        var path = new StringBuilder(96);
        if (resource.Group.Length == 0)
        {
            path.Append("/api/").Append(resource.Version);
        }
        else
        {
            path.Append("/apis/").Append(resource.Group).Append('/').Append(resource.Version);
        }

        if (resource.Namespaced && !string.IsNullOrEmpty(ns))
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }

        path.Append('/').Append(resource.Plural);
        if (name is not null)
        {
            if (name.Length == 0)
            {
                throw new ArgumentException($"an empty {resource.Kind} name cannot be addressed", nameof(name));
            }

            path.Append('/').Append(Uri.EscapeDataString(name));
            if (!string.IsNullOrEmpty(subresource))
            {
                path.Append('/').Append(Uri.EscapeDataString(subresource));
            }
        }

        return path.ToString();
    }

    /// <summary>Appends <c>key=value</c> pairs, escaped, skipping null values.</summary>
    public sealed class Query
    {
        private readonly StringBuilder _text = new();

        public Query Add(string key, string? value)
        {
            if (value is null)
            {
                return this;
            }

            _text.Append(_text.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            return this;
        }

        public Query Add(string key, int? value) => Add(key, value?.ToString(CultureInfo.InvariantCulture));

        public Query Add(string key, bool value) => value ? Add(key, "true") : this;

        public override string ToString() => _text.ToString();
    }

    public static Query ListQuery(ListOptions? options) => new Query()
        .Add("labelSelector", Blank(options?.LabelSelector))
        .Add("fieldSelector", Blank(options?.FieldSelector))
        .Add("limit", options?.Limit is > 0 ? options.Limit : null)
        .Add("continue", Blank(options?.Continue))
        .Add("resourceVersion", Blank(options?.ResourceVersion));

    public static Query WatchQuery(WatchOptions? options) => new Query()
        .Add("watch", true)
        .Add("allowWatchBookmarks", options?.AllowBookmarks ?? true)
        .Add("labelSelector", Blank(options?.LabelSelector))
        .Add("fieldSelector", Blank(options?.FieldSelector))
        .Add("resourceVersion", Blank(options?.ResourceVersion))
        .Add("timeoutSeconds", options?.TimeoutSeconds);

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
