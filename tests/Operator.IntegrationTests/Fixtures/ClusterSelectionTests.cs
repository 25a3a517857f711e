namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>The fixture's choice of cluster, without starting one (no Docker engine runs here, so K3s is only chosen, never started).</summary>
public class ClusterSelectionTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static Func<bool> Docker(bool answers, List<string>? asked = null) => () =>
    {
        asked?.Add("docker");
        return answers;
    };

    [Fact]
    public void E2E_KUBECONFIG_wins_over_everything_and_docker_is_not_asked()
    {
        var asked = new List<string>();

        var choice = ClusterSelection.Choose(Env(("E2E_KUBECONFIG", "/k/config"), ("E2E_K3S", "1")), Docker(true, asked));

        Assert.Equal(ClusterKind.Kubeconfig, choice.Kind);
        Assert.Equal("/k/config", choice.Kubeconfig);
        Assert.Contains("E2E_KUBECONFIG=/k/config", choice.Reason);
        Assert.Empty(asked);
    }

    [Fact]
    public void K3s_when_a_docker_daemon_answers()
    {
        var choice = ClusterSelection.Choose(Env(), Docker(true));

        Assert.Equal(ClusterKind.K3s, choice.Kind);
        Assert.Contains("a Docker daemon answers", choice.Reason);
    }

    [Fact]
    public void E2E_K3S_1_insists_on_K3s_without_asking_docker()
    {
        var asked = new List<string>();

        var choice = ClusterSelection.Choose(Env(("E2E_K3S", "1")), Docker(false, asked));

        Assert.Equal(ClusterKind.K3s, choice.Kind);
        Assert.Empty(asked);
    }

    [Fact]
    public void The_emulator_when_nothing_else_is_there_and_the_reason_says_so()
    {
        var choice = ClusterSelection.Choose(Env(), Docker(false));

        Assert.Equal(ClusterKind.Emulator, choice.Kind);
        Assert.Equal("E2E_KUBECONFIG is not set and no Docker daemon answers: integration tests run against the in-process API emulator", choice.Reason);
    }

    [Fact]
    public void E2E_K3S_0_keeps_the_emulator_even_with_docker()
    {
        var choice = ClusterSelection.Choose(Env(("E2E_K3S", "0")), Docker(true));

        Assert.Equal(ClusterKind.Emulator, choice.Kind);
        Assert.Contains("E2E_K3S=0", choice.Reason);
    }

    [Fact]
    public void A_docker_socket_that_does_not_exist_does_not_answer() =>
        Assert.False(DockerProbe.Answers("unix:///nonexistent/docker.sock", TimeSpan.FromSeconds(1)));
}
