using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// The PodMetrics provider: reads a revision's pods from the Pod informer and GETs each Ready pod's sidecar
/// <c>http://{podIP}:{port}/metrics</c>, with a per-pod timeout and one bound on scrapes in flight for the whole
/// process (register one instance). A pod that fails is left out of the scrape and logged at Warning once until it
/// answers again; nothing here retries, so a broken pod costs one request per analysis interval.
/// </summary>
public sealed class PodMetricsProvider : IRevisionMetrics, IDisposable
{
    private readonly Informer<V1Pod> _pods;
    private readonly PodMetricsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight;
    // Pods whose failure was logged, by uid (a replacement under the same name is a new pod), with their cache key.
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);

    public PodMetricsProvider(Informer<V1Pod> pods, PodMetricsOptions options, TimeProvider time, ILogger<PodMetricsProvider> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        _pods = pods;
        _options = options;
        _time = time;
        _logger = logger;
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        // One client and pool for every pod. Pod IPs are reused by other pods, so connections do not live forever;
        // no proxy (an HTTP_PROXY meant for the API server must not carry pod traffic) and no redirects.
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 2,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
    }

    public async Task<RevisionScrape> ScrapeAsync(string @namespace, string modelDeployment, string revision, CancellationToken ct)
    {
        var selector = LabelSelectorExpression.Parse(ModelDeploymentLabels.RevisionSelectorText(modelDeployment, revision));
        var ready = _pods.List(@namespace, selector).Where(IsReady).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(ready.Select(pod => ScrapeAsync(pod, ct))).ConfigureAwait(false);
        ForgetGonePods();
        return new RevisionScrape(
            _time.GetUtcNow(),
            [.. results.Where(r => r.Sample is not null).Select(r => r.Sample!)],
            ready.Count,
            [.. results.Where(r => r.Sample is null).Select(r => r.Pod)]);
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    /// <summary>Ready condition True, a pod IP, not terminating.</summary>
    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && !string.IsNullOrEmpty(pod.Status?.PodIP)
        && pod.Status.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true;

    /// <summary>Identifies the pod instance in a <see cref="PodSample"/>: name and uid.</summary>
    public static string PodId(V1Pod pod) => $"{pod.Metadata.Name}/{pod.Metadata.Uid}";

    /// <summary>The sidecar's /metrics address: container <c>inference</c>'s port named <c>http</c>, else its first port, else 8080.</summary>
    public static Uri MetricsUri(V1Pod pod)
    {
        var ports = pod.Spec?.Containers?.FirstOrDefault(c => c.Name == SidecarContract.ContainerName)?.Ports;
        var port = ports?.FirstOrDefault(p => p.Name == SidecarContract.PortName)?.ContainerPort
            ?? ports?.FirstOrDefault()?.ContainerPort
            ?? ModelDeploymentDefaults.SidecarPort;
        var ip = pod.Status!.PodIP!;
        var host = IPAddress.TryParse(ip, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}{SidecarContract.MetricsPath}"));
    }

    private async Task<(string Pod, PodSample? Sample)> ScrapeAsync(V1Pod pod, CancellationToken ct)
    {
        var name = pod.Metadata.Name!;
        var uid = pod.Metadata.Uid ?? name;
        Uri? uri = null;
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            uri = MetricsUri(pod);
            // The timeout starts once a slot is free: waiting behind other scrapes is not the pod's fault.
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            string text;
            try
            {
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return Failed(pod, uri, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}"));
                }

                text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Failed(pod, uri, $"no answer within {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
            }

            var counters = PodCounters.From(PrometheusTextParser.Parse(text));
            if (_failing.TryRemove(uid, out _))
            {
                _logger.LogInformation("Pod {Namespace}/{Pod} answers {Url} again; its samples count in analysis", pod.Metadata.NamespaceProperty, name, uri);
            }

            return (name, new PodSample(PodId(pod), _time.GetUtcNow(), counters));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Refused, reset, DNS-less garbage, a body over the size limit or not Prometheus text: this pod only.
            return Failed(pod, uri, ex is MetricsFormatException ? "not Prometheus text: " + ex.Message : ex.Message);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private (string Pod, PodSample? Sample) Failed(V1Pod pod, Uri? uri, string reason)
    {
        var name = pod.Metadata.Name!;
        if (_failing.TryAdd(pod.Metadata.Uid ?? name, ObjectKey.Of(pod)))
        {
            _logger.LogWarning("Cannot scrape {Url} of pod {Namespace}/{Pod}: {Reason}; it is left out of canary analysis until it answers (logged once)",
                uri, pod.Metadata.NamespaceProperty, name, reason);
        }

        return (name, null);
    }

    /// <summary>Failing pods that left the cache are forgotten, so the set stays as small as the broken pods.</summary>
    private void ForgetGonePods()
    {
        foreach (var (uid, key) in _failing)
        {
            if (_pods.Get(key) is not { } pod || (pod.Metadata.Uid ?? pod.Metadata.Name) != uid)
            {
                _failing.TryRemove(uid, out _);
            }
        }
    }
}
