// Memory (proportional set size, MB: shared pages such as PostgreSQL's buffers divided among the processes
// that map them, so the sums are not inflated) and CPU time (s, including reaped children such as PostgreSQL backends) of
// every process under a root pid, summed per part of the product.
import { readdirSync, readFileSync } from 'node:fs';

const read = (pid, file) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
};

const PARTS = [
  ['worker', /workers\/(src|dist)\/main/],
  ['api', /engine\/(src|dist)\/main/],
  ['temporal', /temporal(\s|\0)server|start-dev/],
  ['temporalTestServer', /temporal-test-server/],
  ['postgres', /^postgres|\/bin\/postgres/], // before ferretdb: its backends name the database "ferretdb"
  ['ferretdb', /ferretdb/],
];

const TICKS = 100; // USER_HZ on Linux

/** { memoryMb: { worker, api, temporal, ferretdb, postgres, ... }, cpuSeconds: { ... } } under `root`. */
export function processUsage(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(read(name, 'stat').split(') ')[1]?.split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  const memoryMb = {};
  const cpuSeconds = {};
  const add = (totals, part, x) => {
    totals[part] = Math.round(((totals[part] ?? 0) + x) * 10) / 10;
  };
  const walk = (pid) => {
    const cmd = read(pid, 'cmdline');
    const part = PARTS.find(([, re]) => re.test(cmd))?.[0];
    const resident =
      read(pid, 'smaps_rollup').match(/^Pss:\s+(\d+) kB/m) ?? read(pid, 'status').match(/VmRSS:\s+(\d+) kB/);
    // fields after the command: state is [0], utime [11], stime [12], cutime [13], cstime [14]
    const stat = read(pid, 'stat').split(') ')[1]?.split(' ') ?? [];
    if (part && resident) {
      add(memoryMb, part, Number(resident[1]) / 1024);
      add(cpuSeconds, part, [11, 12, 13, 14].reduce((sum, i) => sum + Number(stat[i]), 0) / TICKS);
    }
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return { memoryMb, cpuSeconds };
}
