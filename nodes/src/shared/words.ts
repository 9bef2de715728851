/** Helpers that put node settings into words for canvas cards. */

const OPERATORS: Record<string, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
  in: 'is one of',
};

export function operatorText(op: unknown): string {
  return OPERATORS[String(op)] ?? String(op ?? '?');
}

export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "plan = pro", "email is set". */
export function comparisonText(path: unknown, op: unknown, value: unknown): string {
  const unary = op === 'exists' || op === 'not_exists';
  return [String(path || '?'), operatorText(op), unary ? '' : valueText(value)].filter(Boolean).join(' ');
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays (1 = Monday) as "Mon–Fri", "Mon, Wed, Fri" or "every day". */
export function weekdaysText(days: unknown): string {
  const list = Array.isArray(days) ? [...new Set(days as number[])].filter((d) => d >= 1 && d <= 7) : [];
  if (list.length === 0 || list.length === 7) return 'every day';
  list.sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const day of list) {
    const run = runs.at(-1);
    if (run && day === run[run.length - 1] + 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) =>
      run.length >= 3
        ? `${DAYS[run[0] - 1]}–${DAYS[run[run.length - 1] - 1]}`
        : run.map((d) => DAYS[d - 1]).join(', '),
    )
    .join(', ');
}

export function clip(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
