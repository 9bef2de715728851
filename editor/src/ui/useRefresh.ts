import { useEffect } from 'react';

/** Calls each reload every `ms` while the page is visible, so support views stay current on their own. */
export function useRefresh(reloads: (() => void)[], ms = 5_000) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reload functions are stable
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') for (const reload of reloads) reload();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
