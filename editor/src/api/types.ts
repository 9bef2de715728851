// The editor's view of the API: every type comes from the TypeBox contracts the API itself declares
// (schemas/src/api), so the two cannot drift.
import type { JourneyStatsResponse } from '@itinera/schemas';
import type { Static } from '@sinclair/typebox';

export type {
  ApiKeySummary,
  CreatedApiKey,
  CustomerEventRow,
  CustomerSummary,
  EnrollmentDetail,
  EnrollmentRow,
  JourneyCounts,
  JourneyDetail,
  JourneySummary,
  Me,
  MessageRow,
  NodeTypeInfo,
  TimelineRow,
  VersionDetail,
  VersionSummary,
} from '@itinera/schemas';

export type JourneyStats = Static<typeof JourneyStatsResponse>;
