using System.Globalization;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Parses the duration fields: a Go duration string ("2ms", "1m30s") or an integer number of seconds.</summary>
public static class DurationValue
{
    public static bool TryParse(IntOrString? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (value is null)
        {
            return false;
        }

        if (value.IntValue is { } seconds)
        {
            duration = TimeSpan.FromSeconds(seconds);
            return seconds >= 0;
        }

        return TryParse(value.StringValue, out duration);
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = 0m;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            decimal? ticksPerUnit = text[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (ticksPerUnit is null)
            {
                return false;
            }

            total += number * ticksPerUnit.Value;
            if (total > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)total);
        return true;
    }

    /// <summary>Go-style text for a whole number of milliseconds or seconds ("2ms", "90s").</summary>
    public static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
