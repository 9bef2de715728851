/** MongoDB collection names shared by the engine (API) and the workers (activities). */
export const COLLECTIONS = {
  journeys: 'journeys',
  /** One doc per admitted entry of a journey with an entry limit, claimed by unique insert (`journeyId#n`). */
  entrySlots: 'journey_entry_slots',
  /** Per (journey, API key name): when that key last had the journey open in the editor. */
  presence: 'journey_presence',
  versions: 'journey_versions',
  /** One doc per journey (`_id` = journey id): its saved test-run scenarios, checked on publish. */
  scenarios: 'journey_scenarios',
  profiles: 'profiles',
  /** A fixed number of slots (hash of the customer id), each naming the last customer whose profile changed in it. */
  recentCustomers: 'recent_customers',
  events: 'events',
  /** Accepted events whose routing has not finished; the API's sweeper retries them. */
  pendingRoutes: 'pending_routes',
  /** Anonymous or previous ids merged into a known customer (`_id` is the merged id). Written by the API. */
  aliases: 'aliases',
  enrollments: 'enrollments',
  steps: 'enrollment_steps',
  messages: 'messages',
  deliveries: 'deliveries',
  apiKeys: 'api_keys',
  /** One doc per (customer, channel or topic): consent. Written by the API. */
  subscriptions: 'subscriptions',
  /** One doc per frequency-cap slot (customer, channel, window, n), claimed by unique insert before a send. */
  capSlots: 'frequency_cap_slots',
  /** One doc per (customer, channel, address) a hard bounce or complaint receipt made unreachable. */
  suppressions: 'suppressions',
  /** Provider delivery receipts, one doc per (provider, message id, status) by unique `_id`. */
  receipts: 'delivery_receipts',
  /** Time-bucketed leases claimed by unique insert (`sweep:<bucket>`): one event sweeper at a time. */
  leases: 'leases',
  /** Workspace settings documents (quiet hours, frequency caps, link-signing secret). */
  settings: 'settings',
  templates: 'templates',
  promoPools: 'promo_pools',
  promoCodes: 'promo_codes',
  promoAssignments: 'promo_assignments',
  /** Erased customers, by SHA-256 of their id: later events under that id are refused unless re-created. */
  erasedCustomers: 'erased_customers',
  /** One document per running worker: its task queue, the node types it can run, when it was last seen. */
  workers: 'workers',
  /** One doc per version migration of a journey (from, to, mapping), created by the API that starts it. */
  migrations: 'journey_migrations',
  /** One doc per (migration, enrollment): claimed by unique insert before the move; the workflow adds the outcome. */
  migrationMoves: 'journey_migration_moves',
  /** Journey analytics: one doc per (journey, UTC hour) of counters, recomputed from the facts by the rollup fold. */
  rollups: 'analytics_rollups',
  /** Journey analytics: the fold's checkpoint and per-journey settings (revenue attribution). */
  analyticsState: 'analytics_state',
  analyticsSettings: 'analytics_settings',
  /** Segment definitions (rule trees or manual lists) and their backfill status. */
  segments: 'segments',
  /** One doc per (segment, customer) member, `_id` `<segmentId>:<customerId>`: entered by unique insert. */
  segmentMembers: 'segment_members',
  /** Backfill progress, one doc per (segment, generation): `<segmentId>:<generation>`, written by the lease holder. */
  segmentBackfills: 'segment_backfills',
  /** Facts about segment timers: a re-check time signalled (and when), or a re-check begun; skip repeat signals. */
  segmentTimerMarks: 'segment_timer_marks',
  /** Entered / exited records, one per change, keyed so a retried evaluation records it once. */
  segmentChanges: 'segment_changes',
  /** Computed-attribute definitions (`_id` is the name). */
  computedAttributes: 'computed_attributes',
  /** One doc per (attribute revision, customer, events counted): a computed value, never updated in place. */
  computedValues: 'computed_values',
  /** Backfill progress per attribute revision (`_id` is the revision); written by the one backfilling process. */
  computedBackfills: 'computed_backfills',
  /** Broadcasts (`_id` is the id); `state` is written only by the broadcast's own workflow. */
  broadcasts: 'broadcasts',
  /** One doc per (broadcast, customer) snapshotted from the segment: when they enter, held out or not. */
  broadcastRecipients: 'broadcast_recipients',
  /** One doc per (broadcast, customer), claimed by unique insert before the customer is entered. */
  broadcastEntries: 'broadcast_entries',
} as const;

/**
 * Default `maxPoolSize` of every MongoClient Itinera opens (ITINERA_MONGO_MAX_POOL_SIZE overrides it).
 * Kept far below the embedded FerretDB's PostgreSQL pool (scripts/lib/postgres.mjs) so that even several
 * API and worker processes cannot exhaust it.
 */
export const MONGO_MAX_POOL_SIZE = 20;
