/** MongoDB collection names shared by the engine (API) and the workers (activities). */
export const COLLECTIONS = {
  journeys: 'journeys',
  versions: 'journey_versions',
  profiles: 'profiles',
  events: 'events',
  enrollments: 'enrollments',
  steps: 'enrollment_steps',
  messages: 'messages',
  deliveries: 'deliveries',
  apiKeys: 'api_keys',
} as const;
