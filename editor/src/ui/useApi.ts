import { useCallback, useEffect, useState } from 'react';
import { useServiceOutage } from '../api/availability.ts';
import { ApiError, api, errorMessage } from '../api/client.ts';

const isOutage = (e: unknown) => e instanceof ApiError && (e.status === 503 || e.status === 0);

/** Loads `path` (null = skip); returns data, a readable error and a reload function. */
export function useApi<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Loads again once an outage is over.
  const outage = useServiceOutage() !== null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick forces a reload
  useEffect(() => {
    if (!path || outage) return;
    let cancelled = false;
    setLoading(true);
    api<T>(path)
      .then((value) => {
        if (!cancelled) {
          setData(value);
          setError(null);
        }
      })
      // During an outage the banner explains it; the page keeps what it last loaded.
      .catch((e) => !cancelled && !isOutage(e) && setError(errorMessage(e)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [path, tick, outage]);

  return { data, error, loading, reload, setData };
}
