using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MlOperator.Operator.Crds;

/// <summary>The &lt;summary&gt; texts of the XML documentation file, flattened to one plain line each.</summary>
internal sealed partial class XmlDocs(IReadOnlyDictionary<string, string> summaries)
{
    [RequiresAssemblyFiles("The XML documentation file sits next to the assembly; generate runs from the build output, not from the AOT binary.")]
    public static XmlDocs Load(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"XML documentation {path} is missing; the CRD's descriptions come from it (GenerateDocumentationFile in Operator.csproj)", path);
        }

        return Parse(XDocument.Load(path));
    }

    public static XmlDocs Parse(XDocument document)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in document.Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
            {
                summaries[name] = Flatten(summary);
            }
        }

        return new XmlDocs(summaries);
    }

    public string? Type(Type type) => summaries.GetValueOrDefault("T:" + type.FullName);

    public string? Property(PropertyInfo property) =>
        summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Flatten(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    sb.Append(text.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var target = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
                    sb.Append(see.Value.Length > 0 ? see.Value : target[(target.LastIndexOfAny(['.', ':']) + 1)..]);
                    break;
                case XElement child:
                    sb.Append(Flatten(child));
                    break;
            }
        }

        return Whitespace().Replace(sb.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
