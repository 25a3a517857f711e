using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MlOperator.Operator.Runtime.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="ControllerManager"/> as a hosted service and as <see cref="IManagerHealth"/>,
    /// plus its <see cref="SharedInformerFactory"/> and <see cref="IEventRecorder"/>. Needs an IKubeClient registration.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="options">Manager settings.</param>
    /// <param name="configureControllers">
    /// Registers controllers when the manager is first resolved, e.g.
    /// <c>(sp, m) =&gt; m.NewController("x").For&lt;X&gt;().Owns&lt;Deployment&gt;().Complete(new XReconciler(...))</c>.
    /// </param>
    public static IServiceCollection AddControllerManager(this IServiceCollection services, ManagerOptions options,
        Action<IServiceProvider, ControllerManager>? configureControllers = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var manager = ActivatorUtilities.CreateInstance<ControllerManager>(sp);
            configureControllers?.Invoke(sp, manager);
            return manager;
        });
        services.AddSingleton<IManagerHealth>(sp => sp.GetRequiredService<ControllerManager>());
        services.AddSingleton(sp => sp.GetRequiredService<ControllerManager>().Informers);
        services.AddSingleton(sp => sp.GetRequiredService<ControllerManager>().Events);
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ControllerManager>());
        return services;
    }
}
