using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Auth;
using MlOperator.Kubernetes.Emulator.Server;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator;

/// <summary>
/// An in-process kube-apiserver stand-in on 127.0.0.1. Start one per test class (or per test: it starts in
/// milliseconds), point a client at <see cref="BaseAddress"/> or <see cref="WriteKubeconfig"/>, and use
/// <see cref="Controllers"/> and <see cref="Faults"/> to drive the simulation.
/// </summary>
public sealed class KubeEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;

    private KubeEmulator(WebApplication app, X509Certificate2? certificate, EmulatorOptions options, ApiCore core, FaultInjector faults, SimulatedControllers controllers, Uri baseAddress)
    {
        _app = app;
        _certificate = certificate;
        Options = options;
        Core = core;
        Faults = faults;
        Controllers = controllers;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public EmulatorOptions Options { get; }

    public FaultInjector Faults { get; }

    /// <summary>The simulated controllers (garbage collector, Deployment, ResourceQuota); inert unless SimulateControllers.</summary>
    public SimulatedControllers Controllers { get; }

    /// <summary>PEM of the serving certificate (which is also the CA) in Tls mode.</summary>
    public string? CertificateAuthorityPem => _certificate?.ExportCertificatePem();

    internal ApiCore Core { get; }

    /// <summary>The global resourceVersion: the one a list would return now.</summary>
    public long ResourceVersion => Core.Store.CurrentResourceVersion;

    public static async Task<KubeEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        var time = options.TimeProvider;
        var store = new ObjectStore(Math.Max(1, options.WatchHistorySize));
        var registry = new ResourceRegistry();
        var core = new ApiCore(registry, store, time);
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" }) core.EnsureNamespace(ns);
        var faults = new FaultInjector(store);
        var certificate = options.Tls ? SelfSignedCertificate.Create(time.GetUtcNow()) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (certificate is not null) listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        string address = "";
        var tokens = new ServiceAccountTokens();
        var realPods = options.RealPods is { } real ? new Kubelet.RealPodKubelet(core, real) : null;
        var controllers = new SimulatedControllers(core, options, realPods);
        var frontend = new HttpFrontend(core, faults, options, tokens, () => address, controllers, realPods);
        app.Run(frontend.HandleAsync);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        address = $"127.0.0.1:{port}";
        var baseAddress = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}");
        realPods?.Start();
        if (options.SimulateControllers) controllers.Start();
        return new KubeEmulator(app, certificate, options, core, faults, controllers, baseAddress) { _tokens = tokens, _realPods = realPods };
    }

    /// <summary>
    /// Server-side applies every document of a (multi-document) YAML or JSON manifest in process, as
    /// `kubectl apply --server-side` would (e.g. the shipped CRDs from config/crds). Namespaced objects without a
    /// namespace go to "default". Throws InvalidOperationException with the API's Status message on failure.
    /// </summary>
    public Task ApplyManifestAsync(string yaml, string fieldManager = "emulator-test", CancellationToken cancellationToken = default)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var writer = new StringWriter();
            new YamlDotNet.RepresentationModel.YamlStream(document).Save(writer, assignAnchors: false);
            if (Json.FromYaml(writer.ToString()) is not System.Text.Json.Nodes.JsonObject obj) continue;
            var apiVersion = Json.String(obj, "apiVersion") ?? "";
            var kind = Json.String(obj, "kind") ?? "";
            var slash = apiVersion.IndexOf('/');
            var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
            var type = Core.Registry.All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind)
                ?? throw new InvalidOperationException($"no resource serves {apiVersion} {kind}");
            var name = Json.String(obj["metadata"], "name") ?? throw new InvalidOperationException($"{kind} without metadata.name");
            var ns = type.Namespaced ? Json.String(obj["metadata"], "namespace") ?? "default" : "";
            try
            {
                Core.Patch(type, ns, name, "application/apply-patch+yaml", Json.Serialize(obj), new WriteOptions(fieldManager, "Strict", Force: true), null);
            }
            catch (ApiError e)
            {
                throw new InvalidOperationException($"{kind} {name}: {e.Message}", e);
            }
        }
        return Task.CompletedTask;
    }

    private ServiceAccountTokens _tokens = new();
    private Kubelet.RealPodKubelet? _realPods;

    /// <summary>
    /// Real pod mode: the address of the TCP proxy in front of a Service's Ready pods (its first port), e.g.
    /// http://127.0.0.1:40123, or null until the Service has been seen. Also at GET /emulator/services/{ns}/{name}.
    /// </summary>
    public Uri? ServiceUrl(string ns, string name) => RealPods.Proxy.Url(ns, name);

    /// <summary>
    /// Real pod mode: extra environment for pod processes whose labels match <paramref name="labelSelector"/>, e.g.
    /// <c>("app.kubernetes.io/version=2", {MLOP_FAULT_ERROR_RATE: "0.2"})</c>; applies to processes started from now on
    /// (new pods and restarts). Also at POST /emulator/pod-env {"selector","env"}; DELETE clears.
    /// </summary>
    public void AddPodEnv(string labelSelector, IReadOnlyDictionary<string, string> env) => RealPods.AddEnv(new PodEnvRule(labelSelector, env));

    /// <summary>Drops every pod env rule, those from <see cref="RealPodOptions.PodEnv"/> included.</summary>
    public void ClearPodEnv() => RealPods.ClearEnv();

    /// <summary>Real pod mode: the process id of a pod's sidecar now (null between restarts or for simulated pods).</summary>
    public int? PodProcessId(string ns, string pod) => RealPods.ProcessId(ns, pod);

    /// <summary>Real pod mode: every sidecar process running now.</summary>
    public IReadOnlyList<int> PodProcessIds => RealPods.ProcessIds;

    private Kubelet.RealPodKubelet RealPods => _realPods ?? throw new InvalidOperationException("real pod mode is off: set EmulatorOptions.RealPods");

    /// <summary>
    /// A bearer token for a ServiceAccount (which need not exist yet): requests with it are authorised by the RBAC
    /// objects in the emulator, as kube-apiserver does for a bound token. Other tokens act as cluster-admin.
    /// </summary>
    public string IssueServiceAccountToken(string ns, string serviceAccount) => _tokens.Issue(ns, serviceAccount);

    /// <summary>The token the kubeconfig carries when none is asked for: like any token but a ServiceAccount's, it acts as cluster-admin.</summary>
    public const string AnyToken = "emulator";

    /// <summary>A kubeconfig YAML that real kubectl and the operator's client accept (CA data and token in Tls/Token modes).</summary>
    /// <param name="token">Overrides the user's token, e.g. with <see cref="IssueServiceAccountToken"/>.</param>
    public string KubeconfigYaml(string defaultNamespace = "default", string? token = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("apiVersion: v1");
        sb.AppendLine("kind: Config");
        sb.AppendLine("clusters:");
        sb.AppendLine("- name: emulator");
        sb.AppendLine("  cluster:");
        sb.AppendLine($"    server: {BaseAddress.ToString().TrimEnd('/')}");
        if (_certificate is not null)
            sb.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(_certificate.ExportCertificatePem()))}");
        sb.AppendLine("users:");
        sb.AppendLine("- name: emulator");
        // KubernetesClient refuses a user without credentials, so a token is always written.
        sb.AppendLine($"  user:\n    token: {((token ?? Options.Token) is { Length: > 0 } bearer ? bearer : AnyToken)}");
        sb.AppendLine("contexts:");
        sb.AppendLine("- name: emulator");
        sb.AppendLine("  context:");
        sb.AppendLine("    cluster: emulator");
        sb.AppendLine("    user: emulator");
        sb.AppendLine($"    namespace: {defaultNamespace}");
        sb.AppendLine("current-context: emulator");
        return sb.ToString();
    }

    public void WriteKubeconfig(string path, string defaultNamespace = "default", string? token = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, KubeconfigYaml(defaultNamespace, token));
    }

    /// <summary>An HttpClient for this emulator: base address, bearer token and (in Tls mode) trust in its certificate only.</summary>
    public HttpClient CreateHttpClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (_certificate is not null)
        {
            var thumbprint = _certificate.Thumbprint;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint;
        }
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        if (Options.Token is { Length: > 0 } token) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private int _disposed;

    /// <summary>Stops the controllers, ends every real pod process, then the server; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Controllers.DisposeAsync();
        if (_realPods is not null) await _realPods.DisposeAsync();
        Core.Store.DropWatches();
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
        _certificate?.Dispose();
    }
}
