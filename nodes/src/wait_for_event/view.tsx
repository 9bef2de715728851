import type { NodeView } from '../views.ts';
import { durationText } from '../wait/view.tsx';

export const waitForEventView: NodeView = {
  summary: (config) => `${config.event || '?'} · up to ${durationText(config.timeout) || '?'}`,
};
