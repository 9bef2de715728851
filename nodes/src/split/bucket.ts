export { stickyPercentile } from '@itinera/schemas';

export function pickBranch<B extends { percent: number }>(branches: B[], percentile: number): B {
  let upper = 0;
  for (const branch of branches) {
    upper += branch.percent;
    if (percentile < upper) return branch;
  }
  return branches[branches.length - 1];
}
