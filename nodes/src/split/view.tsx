import type { NodeView } from '../views.ts';

export const splitView: NodeView = {
  summary: (config) => {
    const branches = Array.isArray(config.branches) ? (config.branches as { percent?: number }[]) : [];
    return branches.map((b) => `${b.percent ?? 0}%`).join(' / ');
  },
};
