import { useEffect } from 'react';
import { useServiceOutage } from '../api/availability.ts';
import { api } from '../api/client.ts';

const RECHECK_MS = 5_000;

/** Shown above every page while the API answers 503 (store down) or cannot be reached; rechecks itself. */
export function ServiceBanner() {
  const outage = useServiceOutage();
  useEffect(() => {
    if (!outage) return;
    const timer = setInterval(() => api('/v1/me').catch(() => undefined), RECHECK_MS);
    return () => clearInterval(timer);
  }, [outage]);
  if (!outage) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="service-banner">
      Itinera is temporarily unavailable: {outage} Your work is kept; this page retries on its own.
    </div>
  );
}
