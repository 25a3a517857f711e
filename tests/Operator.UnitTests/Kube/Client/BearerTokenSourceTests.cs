using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public class BearerTokenSourceTests
{
    private readonly FakeTimeProvider _time = new();
    private string _file = "first";
    private int _reads;

    private BearerTokenSource Source(string? initial = "first") => new(initial, "/token", _time, _ =>
    {
        _reads++;
        return _file switch
        {
            "missing" => throw new FileNotFoundException("gone"),
            var text => text + "\n",
        };
    });

    [Fact]
    public void Rereads_a_rotated_token_file_after_a_minute_not_before()
    {
        var source = Source();
        _file = "second";

        Assert.Equal("first", source.GetToken());
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("first", source.GetToken());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("second", source.GetToken());
        Assert.Equal(1, _reads);
    }

    [Fact]
    public void Keeps_the_last_good_token_when_the_file_cannot_be_read()
    {
        var source = Source();
        _file = "missing";
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("first", source.GetToken());
    }

    [Fact]
    public void Reads_the_file_at_once_when_there_is_no_initial_token()
    {
        _file = "from-file";

        Assert.Equal("from-file", Source(initial: null).GetToken());
    }

    [Fact]
    public void A_static_token_is_never_reread()
    {
        var source = new BearerTokenSource("static", tokenFile: null, _time, _ => throw new InvalidOperationException("no file"));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("static", source.GetToken());
    }
}
