/** Live counts for one journey: totals by status and, per node, who waits there now and who passed through. */
export interface JourneyStats {
  entered: number;
  active: number;
  completed: number;
  converted: number;
  exited: number;
  failed: number;
  nodes: Record<string, { active: number; passed: number }>;
  /** Set when the counts come from the analytics fold (a large journey): facts up to this time are in them. */
  asOf?: string;
}

export function emptyStats(): JourneyStats {
  return { entered: 0, active: 0, completed: 0, converted: 0, exited: 0, failed: 0, nodes: {} };
}
