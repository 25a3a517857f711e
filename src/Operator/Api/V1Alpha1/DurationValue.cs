using System.Globalization;
using k8s.Models;

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

        if (IntOrStrings.TryGetInt(value, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return seconds >= 0;
        }

        return TryParse(value.Value, out duration);
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

    /// <summary>
    /// One-unit text the sidecar's parser reads ("90s", "2ms", "500us"): it takes a single number and unit,
    /// so "1m30s" from the spec travels as "90s".
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        return ticks % TimeSpan.TicksPerSecond == 0 ? (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s"
            : ticks % TimeSpan.TicksPerMillisecond == 0 ? (ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms"
            : (ticks / 10).ToString(CultureInfo.InvariantCulture) + "us";
    }
}
