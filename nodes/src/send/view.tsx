import type { NodeView } from '../views.ts';

export const sendView: NodeView = {
  summary: (config) => {
    const text =
      typeof config.subject === 'string' && config.subject ? config.subject : String(config.body ?? '');
    return `${config.channel ?? 'email'}: ${text.length > 32 ? `${text.slice(0, 31)}…` : text}`;
  },
};
