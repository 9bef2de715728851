import type { JourneyAnalytics } from '@itinera/schemas';
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Legend, Tooltip);

const options = { responsive: true, maintainAspectRatio: false, animation: false } as const;

/** Entered, reached by a message, opened, clicked, converted: each bar a subset of the one before. */
export function Funnel({ report }: { report: JourneyAnalytics }) {
  const sends = report.sends;
  const total = (key: 'sent' | 'uniqueOpens' | 'uniqueClicks') => sends.reduce((sum, s) => sum + s[key], 0);
  const steps: [string, number][] = [
    ['Entered', report.summary.entered],
    ['Messages sent', total('sent')],
    ['Opened', total('uniqueOpens')],
    ['Clicked', total('uniqueClicks')],
    ['Converted', report.summary.converted],
  ];
  return (
    <div className="chart" data-testid="chart-funnel">
      <Bar
        options={{ ...options, indexAxis: 'y', plugins: { legend: { display: false } } }}
        data={{
          labels: steps.map(([label]) => label),
          datasets: [{ label: 'Customers', data: steps.map(([, n]) => n), backgroundColor: '#4f6bed' }],
        }}
      />
    </div>
  );
}

export function OverTime({ report }: { report: JourneyAnalytics }) {
  return (
    <div className="chart" data-testid="chart-over-time">
      <Line
        options={options}
        data={{
          labels: report.series.map((d) => d.day),
          datasets: [
            { label: 'Entered', data: report.series.map((d) => d.entered), borderColor: '#4f6bed' },
            { label: 'Converted', data: report.series.map((d) => d.converted), borderColor: '#1f9d55' },
          ],
        }}
      />
    </div>
  );
}

/** Conversion and click-through per branch of each split, side by side. */
export function Variants({ report }: { report: JourneyAnalytics }) {
  if (report.branches.length === 0) return null;
  const pct = (rate: number | null) => (rate === null ? 0 : rate * 100);
  return (
    <div className="chart" data-testid="chart-variants">
      <Bar
        options={{ ...options, scales: { y: { title: { display: true, text: '%' } } } }}
        data={{
          labels: report.branches.map((b) => `${b.splitNodeId}: ${b.port}`),
          datasets: [
            {
              label: 'Conversion rate',
              data: report.branches.map((b) => pct(b.conversionRate)),
              backgroundColor: '#1f9d55',
            },
            {
              label: 'Click rate',
              data: report.branches.map((b) => pct(b.clickRate)),
              backgroundColor: '#4f6bed',
            },
          ],
        }}
      />
    </div>
  );
}
