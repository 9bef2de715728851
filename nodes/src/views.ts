/** Editor-side extras per node type: a one-line canvas summary of the node's config. */
import { conditionView } from './condition/view.tsx';
import { goalView } from './goal/view.tsx';
import { sendView } from './send/view.tsx';
import { splitView } from './split/view.tsx';
import { triggerView } from './trigger/view.tsx';
import { updateProfileView } from './update_profile/view.tsx';
import { waitView } from './wait/view.tsx';
import { waitForEventView } from './wait_for_event/view.tsx';

export interface NodeView {
  /** A short human summary of the config shown on the canvas, e.g. "2 days". */
  summary(config: Record<string, unknown>): string;
}

const views = new Map<string, NodeView>();

export function registerNodeView(type: string, view: NodeView): void {
  views.set(type, view);
}

export function nodeViewFor(type: string): NodeView | undefined {
  return views.get(type);
}

/** The canvas summary for a node, or '' when its type has no view or the config is unexpected. */
export function summarize(type: string, config: Record<string, unknown>): string {
  try {
    return views.get(type)?.summary(config) ?? '';
  } catch {
    return '';
  }
}

registerNodeView('condition', conditionView);
registerNodeView('goal', goalView);
registerNodeView('send', sendView);
registerNodeView('split', splitView);
registerNodeView('trigger', triggerView);
registerNodeView('update_profile', updateProfileView);
registerNodeView('wait', waitView);
registerNodeView('wait_for_event', waitForEventView);
