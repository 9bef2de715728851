import type { JourneyGraph, JourneySettings, JourneyStatus, OutputPort, Role } from '@itinera/schemas';

export interface Me {
  role: Role;
  name: string;
}

export interface JourneyCounts {
  entered: number;
  active: number;
  completed: number;
  converted: number;
}

export interface JourneySummary {
  id: string;
  name: string;
  status: JourneyStatus;
  liveVersion: number | null;
  latestVersion: number;
  updatedAt: string;
  stats?: JourneyCounts;
}

export interface JourneyDetail extends JourneySummary {
  graph: JourneyGraph;
  settings: JourneySettings;
}

export interface VersionSummary {
  version: number;
  note: string;
  publishedAt: string;
}

export interface VersionDetail extends VersionSummary {
  graph: JourneyGraph;
  settings: JourneySettings;
}

export interface JourneyStats extends JourneyCounts {
  exited: number;
  nodes: Record<string, { active: number; passed: number }>;
}

/** One entry of GET /v1/node-types. */
export interface NodeTypeInfo {
  type: string;
  title: string;
  category: string;
  description: string;
  icon: string;
  role?: 'trigger' | 'goal' | 'step';
  canWait?: boolean;
  configSchema: Record<string, unknown>;
  defaultConfig: Record<string, unknown>;
  ports: OutputPort[];
  dynamicPorts?: boolean;
}

export interface CustomerSummary {
  customerId: string;
  traits: Record<string, unknown>;
  updatedAt: string;
  createdAt?: string;
}

export interface CustomerEventRow {
  messageId: string;
  event: string;
  properties: Record<string, unknown>;
  timestamp: string;
}

export interface EnrollmentRow {
  id: string;
  journeyId: string;
  journeyName?: string;
  version: number;
  customerId: string;
  status: string;
  currentNodeId: string | null;
  nextWakeAt: string | null;
  waitingFor: string | null;
  enteredAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface TimelineRow {
  nodeId: string;
  nodeType: string;
  visit: number;
  at: string;
  outcome: string;
  port: string | null;
  reason: string;
  data?: Record<string, unknown>;
}

export interface EnrollmentDetail {
  enrollment: EnrollmentRow;
  timeline: TimelineRow[];
  graph: JourneyGraph;
}

export interface MessageRow {
  id: string;
  channel: string;
  to: string;
  subject?: string;
  body: string;
  journeyId: string;
  nodeId: string;
  sentAt: string;
}
