/** FNV-1a: a fast, stable 32-bit hash, so a customer's bucket never changes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 100) fixed for this customer and salt (a split node, a journey's holdout). */
export function stickyPercentile(customerId: string, salt: string): number {
  const hash = fnv1a(`${salt}:${customerId}`);
  // Mix the bits once more so neighbouring ids spread evenly.
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0;
  return (((mixed ^ (mixed >>> 16)) >>> 0) % 10_000) / 100;
}

/** Why an enrollment receives nothing: its journey's holdout, or the workspace's global control group. */
export type ControlGroup = 'holdout' | 'global';

/** Timeline steps that record a held-out entry use this node id (no journey node has it: ids allow no `~`). */
export const CONTROL_STEP_NODE = '~control';

/** The workspace settings document holding the global control group. */
export const GLOBAL_CONTROL_SETTINGS_ID = 'global-control';

/**
 * The control group a customer entering this journey belongs to, if any. Sticky: the same customer and
 * journey always get the same answer. Transactional journeys ignore the global control group.
 */
export function controlGroupFor(
  customerId: string,
  journey: { id: string; settings: { holdoutPercent?: number; transactional?: boolean } },
  globalControlPercent: number,
): ControlGroup | null {
  const holdout = journey.settings.holdoutPercent ?? 0;
  if (holdout > 0 && stickyPercentile(customerId, `holdout:${journey.id}`) < holdout) return 'holdout';
  if (
    !journey.settings.transactional &&
    globalControlPercent > 0 &&
    stickyPercentile(customerId, 'global-control') < globalControlPercent
  )
    return 'global';
  return null;
}
