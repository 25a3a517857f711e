namespace MlOperator.Operator.Analysis;

/// <summary>The metric provider at the edge: one scrape of one revision's pods, for <see cref="RevisionWindow.Between"/>.</summary>
public interface IRevisionMetrics
{
    /// <summary>
    /// Scrapes /metrics of every Ready pod (Ready condition True, has a pod IP) of one revision of one ModelDeployment.
    /// A pod that does not answer is left out and named in <see cref="RevisionScrape.Unreachable"/>; only
    /// <paramref name="ct"/> makes it throw.
    /// </summary>
    Task<RevisionScrape> ScrapeAsync(string @namespace, string modelDeployment, string revision, CancellationToken ct);
}
