using System.Globalization;
using k8s.Models;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The library's <see cref="IntOrString"/> keeps one string; these read it back as the number it may be.</summary>
public static class IntOrStrings
{
    public static bool TryGetInt(IntOrString? value, out int number)
    {
        number = 0;
        return value?.Value is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }
}
