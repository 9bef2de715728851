import type { AnalyticsTable, JourneyAnalytics } from '@itinera/schemas';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-like text is defused. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Spreadsheets run cells starting with = + - @ as formulas; node ids and reasons come from users.
  if (/^[=+\-@]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One table of a report as CSV, columns in the order of the first row's fields. */
export function tableCsv(report: JourneyAnalytics, table: AnalyticsTable): string {
  const rows = report[table] as Record<string, unknown>[];
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]);
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
