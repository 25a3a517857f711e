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
    public static IServiceCollection AddControllerManager(this IServiceCollection services, ManagerOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<ControllerManager>();
        services.AddSingleton<IManagerHealth>(sp => sp.GetRequiredService<ControllerManager>());
        services.AddSingleton(sp => sp.GetRequiredService<ControllerManager>().Informers);
        services.AddSingleton(sp => sp.GetRequiredService<ControllerManager>().Events);
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ControllerManager>());
        return services;
    }
}
