import type { ComputedKind } from '@itinera/schemas';

/** One of the customer's matching events, as the computation needs it: its time and the property's value. */
export interface EventFact {
  timestamp: string;
  value: unknown;
}

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (value !== null && typeof value === 'object' && 'valueOf' in value) {
    const n = Number(value.valueOf());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Sums in cents-safe steps: 0.1 + 0.2 is reported as 0.3. */
const tidy = (n: number) => Number(n.toPrecision(15));

function mostFrequent(facts: EventFact[]): string | null {
  const counts = new Map<string, number>();
  for (const { value } of facts) {
    if (value === null || value === undefined || typeof value === 'object') continue;
    counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  // Ties go to the value first in code-point order, so every process computes the same answer.
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** The attribute's value over all of a customer's matching events (order does not matter). */
export function reduceFacts(kind: ComputedKind, facts: EventFact[]): unknown {
  if (kind === 'count') return facts.length;
  if (kind === 'first_at' || kind === 'last_at') {
    const times = facts.map((f) => f.timestamp).sort();
    return (kind === 'first_at' ? times[0] : times.at(-1)) ?? null;
  }
  if (kind === 'most_frequent') return mostFrequent(facts);
  const numbers = facts.map((f) => numeric(f.value)).filter((n): n is number => n !== null);
  if (numbers.length === 0) return kind === 'sum' ? 0 : null;
  if (kind === 'min') return numbers.reduce((a, b) => Math.min(a, b));
  if (kind === 'max') return numbers.reduce((a, b) => Math.max(a, b));
  const sum = numbers.reduce((a, b) => a + b, 0);
  return tidy(kind === 'sum' ? sum : sum / numbers.length);
}
