// Opening one journey's analytics (report and canvas overlay, experiment results, holdout) for a big and a
// small journey on the same store, alternating, over real HTTP: rollups should make the two alike.
const ENDPOINTS = {
  report: (id: string, range: string) => `/v1/journeys/${id}/analytics?${range}`,
  experiment: (id: string) => `/v1/journeys/${id}/experiments/ab`,
  holdout: (id: string) => `/v1/journeys/${id}/holdout`,
};

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const summary = (values: number[]) => ({
  p50: Math.round(quantile(values, 0.5)),
  p99: Math.round(quantile(values, 0.99)),
});

export async function compareFlat(
  get: (path: string) => Promise<unknown>,
  journeys: { big: string; small: string },
  range: string,
  rounds: number,
) {
  const times = Object.fromEntries(
    Object.keys(ENDPOINTS).map((name) => [name, { big: [] as number[], small: [] as number[] }]),
  );
  for (let round = 0; round < rounds; round++)
    for (const [name, path] of Object.entries(ENDPOINTS))
      for (const size of ['big', 'small'] as const) {
        const start = performance.now();
        await get(path(journeys[size], range));
        times[name][size].push(performance.now() - start);
      }
  return Object.fromEntries(
    Object.entries(times).map(([name, { big, small }]) => {
      const [b, s] = [summary(big), summary(small)];
      return [name, { big: b, small: s, ratioP50: Number((b.p50 / s.p50).toFixed(2)) }];
    }),
  );
}
