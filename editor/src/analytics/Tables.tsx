import type { AnalyticsTable, JourneyAnalytics } from '@itinera/schemas';
import { storedApiKey } from '../api/client.ts';
import { useToast } from '../ui/toasts.tsx';
import { duration, money, percent } from './figures.ts';
import { receiptColumns } from './receipt-columns.ts';

type Cell = string | number;
interface Column<T> {
  title: string;
  value: (row: T) => Cell;
}

/** Downloads one table as CSV from the API (the key travels in a header, so no plain link). */
function CsvButton({ url, table }: { url: string; table: AnalyticsTable }) {
  const toast = useToast();
  const download = async () => {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${storedApiKey()}` } });
      if (!response.ok) throw new Error(`CSV download failed (${response.status})`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = `${table}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      toast.error(error);
    }
  };
  return (
    <button type="button" onClick={download} data-testid={`csv-${table}`}>
      Download CSV
    </button>
  );
}

function Table<T>(props: {
  title: string;
  table: AnalyticsTable;
  rows: T[];
  columns: Column<T>[];
  csv: string;
}) {
  return (
    <section className="report-table" data-testid={`table-${props.table}`}>
      <header>
        <h3>{props.title}</h3>
        <CsvButton url={props.csv.replace('{table}', props.table)} table={props.table} />
      </header>
      {props.rows.length === 0 ? (
        <p className="muted">Nothing in this range.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.title}>{c.title}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are a fixed snapshot
              <tr key={i}>
                {props.columns.map((c) => (
                  <td key={c.title}>{c.value(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type R = JourneyAnalytics;
const sendColumns: Column<R['sends'][number] | R['branches'][number]>[] = [
  { title: 'Sent', value: (r) => r.sent },
  { title: 'Deferred', value: (r) => r.deferred },
  { title: 'Skipped', value: (r) => r.skipped },
  { title: 'Failed', value: (r) => r.failed },
  { title: 'Open rate', value: (r) => `${percent(r.openRate)} (${r.uniqueOpens}/${r.opens})` },
  { title: 'Click rate', value: (r) => `${percent(r.clickRate)} (${r.uniqueClicks}/${r.clicks})` },
  { title: 'Click-to-open', value: (r) => percent(r.clickToOpenRate) },
  { title: 'Unsubscribe rate', value: (r) => percent(r.unsubscribeRate) },
];

/** Every table of the report, each with its CSV download. `csv` has `{table}` where the table name goes. */
export function ReportTables({ report, csv }: { report: R; csv: string }) {
  return (
    <>
      <Table
        title="Branches side by side"
        table="branches"
        csv={csv}
        rows={report.branches}
        columns={[
          { title: 'Split', value: (r) => r.splitNodeId },
          { title: 'Branch', value: (r) => r.port },
          { title: 'Entered', value: (r) => r.entered },
          { title: 'Converted', value: (r) => `${r.converted} (${percent(r.conversionRate)})` },
          ...(sendColumns as Column<R['branches'][number]>[]),
          { title: 'Revenue', value: (r) => money(r.revenue) },
        ]}
      />
      <Table
        title="Nodes"
        table="nodes"
        csv={csv}
        rows={report.nodes}
        columns={[
          { title: 'Node', value: (r) => r.nodeId },
          { title: 'Passed', value: (r) => r.passed },
          { title: 'Waiting now', value: (r) => r.waiting },
          { title: 'Median time here', value: (r) => duration(r.medianTimeMs) },
        ]}
      />
      <Table
        title="Messages"
        table="sends"
        csv={csv}
        rows={report.sends}
        columns={[
          { title: 'Node', value: (r) => r.nodeId },
          { title: 'Channel', value: (r) => r.channel },
          ...(sendColumns as Column<R['sends'][number]>[]),
          ...receiptColumns,
        ]}
      />
      <Table
        title="How customers left"
        table="exits"
        csv={csv}
        rows={report.exits}
        columns={[
          { title: 'Status', value: (r) => r.status },
          { title: 'Node', value: (r) => r.nodeId },
          { title: 'Reason', value: (r) => r.reason },
          { title: 'Customers', value: (r) => r.count },
        ]}
      />
      <Table
        title="Attributed revenue"
        table="revenue"
        csv={csv}
        rows={report.revenue}
        columns={[
          { title: 'Last touch', value: (r) => r.nodeId },
          { title: 'Channel', value: (r) => r.channel },
          { title: 'Purchases', value: (r) => r.purchases },
          { title: 'Revenue', value: (r) => money(r.revenue) },
        ]}
      />
    </>
  );
}
