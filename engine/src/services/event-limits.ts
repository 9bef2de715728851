/** Ingestion limits, from the environment (see the README's "Limits"). */
export interface EventLimits {
  /** A whole call, as JSON. */
  eventBytes: number;
  /** Each of `properties`, `traits` and `context`, as JSON. */
  propertiesBytes: number;
  /** Nesting of objects and arrays inside `properties`, `traits` or `context`. */
  depth: number;
  /** Top-level traits one profile may hold. */
  traitsPerProfile: number;
}

/** The store nests at most 100 levels; stored events wrap values and nested arrays take two levels each. */
const MAX_STORABLE_DEPTH = 48;

function fromEnv(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be an integer from 1 to ${max}, not "${raw}"`);
  return value;
}

export function eventLimitsFromEnv(): EventLimits {
  return {
    eventBytes: fromEnv('ITINERA_MAX_EVENT_BYTES', 64 * 1024),
    propertiesBytes: fromEnv('ITINERA_MAX_PROPERTIES_BYTES', 32 * 1024),
    depth: fromEnv('ITINERA_MAX_DEPTH', 32, MAX_STORABLE_DEPTH),
    traitsPerProfile: fromEnv('ITINERA_MAX_TRAITS', 1000),
  };
}
