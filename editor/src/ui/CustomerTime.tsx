import { isValidTimezone } from '@itinera/schemas';

const format = (date: Date, timeZone?: string) =>
  date.toLocaleString(undefined, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });

/** A time as the customer lives it (their profile's timezone), with the viewer's own clock as a tooltip. */
export function CustomerTime({ iso, timezone }: { iso: string | null | undefined; timezone: string | null }) {
  if (!iso) return <>—</>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{iso}</>;
  const zone = timezone && isValidTimezone(timezone) ? timezone : undefined;
  return (
    <time dateTime={date.toISOString()} title={`Your time: ${format(date)}`} data-testid="customer-time">
      {format(date, zone)}
    </time>
  );
}
