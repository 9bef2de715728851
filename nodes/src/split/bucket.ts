/** FNV-1a: a fast, stable 32-bit hash, so a customer's bucket never changes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 100) fixed for this customer at this node. */
export function stickyPercentile(customerId: string, salt: string): number {
  const hash = fnv1a(`${salt}:${customerId}`);
  // Mix the bits once more so neighbouring ids spread evenly.
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0;
  return (((mixed ^ (mixed >>> 16)) >>> 0) % 10_000) / 100;
}

export function pickBranch<B extends { percent: number }>(branches: B[], percentile: number): B {
  let upper = 0;
  for (const branch of branches) {
    upper += branch.percent;
    if (percentile < upper) return branch;
  }
  return branches[branches.length - 1];
}
