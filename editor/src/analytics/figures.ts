import type { JourneyAnalytics, JourneyGraph } from '@itinera/schemas';

export const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export const money = (amount: number) => amount.toLocaleString(undefined, { maximumFractionDigits: 2 });

/** The key figure a node shows on the canvas: open rate for sends, conversions at goals, else passed. */
export function nodeFigures(report: JourneyAnalytics, graph: JourneyGraph): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const node of graph.nodes) {
    const row = report.nodes.find((n) => n.nodeId === node.id);
    const sends = report.sends.filter((s) => s.nodeId === node.id);
    if (node.type === 'send' && sends.length > 0) {
      const sent = sends.reduce((sum, s) => sum + s.sent, 0);
      const opens = sends.reduce((sum, s) => sum + s.uniqueOpens, 0);
      figures[node.id] = `${sent} sent · ${percent(sent ? opens / sent : null)} opened`;
    } else if (node.type === 'goal') {
      figures[node.id] = `${row?.converted ?? 0} converted · ${percent(report.summary.conversionRate)}`;
    } else if (row) {
      figures[node.id] = `${row.passed} passed${row.waiting ? ` · ${row.waiting} waiting` : ''}`;
    }
  }
  return figures;
}

/** Per edge (`source:port`): the share of customers leaving the source who took it. */
export function edgeShares(report: JourneyAnalytics): Map<string, string> {
  return new Map(report.edges.map((e) => [`${e.source}:${e.port}`, percent(e.share)]));
}
