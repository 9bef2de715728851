import { type Static, Type } from '@sinclair/typebox';

export const DurationUnit = Type.Union(
  [Type.Literal('minutes'), Type.Literal('hours'), Type.Literal('days'), Type.Literal('weeks')],
  { title: 'Unit', default: 'days' },
);

export const Duration = Type.Object(
  {
    amount: Type.Number({ minimum: 0, maximum: 100_000, title: 'Amount', default: 1 }),
    unit: DurationUnit,
  },
  { additionalProperties: false, 'x-widget': 'duration' },
);
export type Duration = Static<typeof Duration>;

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 } as const;

export function durationMs(duration: Duration): number {
  return duration.amount * UNIT_MS[duration.unit];
}

export function describeDuration(duration: Duration): string {
  const unit = duration.amount === 1 ? duration.unit.replace(/s$/, '') : duration.unit;
  return `${duration.amount} ${unit}`;
}
