import type {
  Enrollment,
  JourneyGraph,
  JourneySettings,
  JourneyStatus,
  OutputPort,
  Role,
  TimelineStep,
} from '@itinera/schemas';

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

/** An enrollment as the API lists it. */
export type EnrollmentRow = Enrollment & { journeyName?: string };

export type TimelineRow = Omit<TimelineStep, 'id' | 'enrollmentId' | 'journeyId' | 'customerId'>;

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
