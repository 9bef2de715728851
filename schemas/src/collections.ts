/** MongoDB collection names shared by the engine (API) and the workers (activities). */
export const COLLECTIONS = {
  journeys: 'journeys',
  /** Written only by the API, under a per-customer lock: one doc per (journey, customer) listing its enrollments. */
  entries: 'journey_entries',
  /** Written only by the API, under a per-customer lock: the enrollment ids each customer may still be in. */
  customerEnrollments: 'customer_enrollments',
  /** Written only by the API, under a per-journey lock: how many customers entered (for entry limits). */
  entryCounts: 'journey_entry_counts',
  versions: 'journey_versions',
  profiles: 'profiles',
  events: 'events',
  /** Accepted events whose routing has not finished; the API's sweeper retries them. */
  pendingRoutes: 'pending_routes',
  enrollments: 'enrollments',
  steps: 'enrollment_steps',
  messages: 'messages',
  deliveries: 'deliveries',
  apiKeys: 'api_keys',
  /** Per customer: channel and topic opt-outs. Written by the API. */
  subscriptions: 'subscriptions',
  /** Per customer: recent sends (channel, topic, time) for frequency caps. Written by the worker. */
  deliveryLog: 'delivery_log',
  /** Workspace settings documents (quiet hours, frequency caps, link-signing secret). */
  settings: 'settings',
  templates: 'templates',
  promoPools: 'promo_pools',
  promoCodes: 'promo_codes',
  promoAssignments: 'promo_assignments',
  /** One document per running worker: its task queue, the node types it can run, when it was last seen. */
  workers: 'workers',
} as const;
