import type { NodeView } from '../views.ts';

export const updateProfileView: NodeView = {
  summary: (config) => {
    const ops = Array.isArray(config.operations)
      ? (config.operations as { op?: string; path?: string }[])
      : [];
    const text = ops.map((o) => `${o.op ?? 'set'} ${o.path ?? '?'}`).join(', ');
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  },
};
