import type { EmitOptions, SegmentEvent, SegmentEventEmitter } from '@itinera/nodes/segments';
import type { EnrollmentService } from './enrollments.ts';
import type { Call, IngestionService } from './ingestion.ts';
import type { JourneyService } from './journeys.ts';

/** What decides whether an emitted segment event needs routing; `segments` is asked lazily (built later). */
interface Listeners {
  journeys: JourneyService;
  enrollments: EnrollmentService;
  ingestion: IngestionService;
  segmentsReactTo: (event: { event: string; properties: Record<string, unknown> }) => Promise<boolean>;
}

/**
 * Sends `segment_entered` / `segment_exited` through full ingestion only where something listens for it: a
 * live trigger, a published version's wait or goal, another segment, or a computed attribute. The rest are
 * only stored, for the customer's history. Segments are not asked when the pass that changed the membership
 * already evaluated every segment referring to it. Every list asked is the one routing itself uses (at most 1 s
 * old across processes), so an event skipped here is one that routing would have delivered nowhere.
 */
export function segmentEventEmitter(listeners: Listeners): SegmentEventEmitter {
  const { journeys, enrollments, ingestion, segmentsReactTo } = listeners;
  const listened = async (emitted: SegmentEvent, options: EmitOptions): Promise<boolean> => {
    const now = new Date().toISOString();
    const event = { ...emitted, timestamp: now, receivedAt: now };
    return (
      (await journeys.liveOnEvent(emitted.event)).length > 0 ||
      (await enrollments.router.anyoneListens(event)) ||
      (await ingestion.computed.readsEvent(emitted.event)) ||
      (!options.referrersEvaluated && (await segmentsReactTo(emitted)))
    );
  };
  return async (emitted, options = {}) => {
    const routed: Call[] = [];
    const quiet: Call[] = [];
    for (const e of emitted) {
      const call: Call = {
        type: 'track',
        userId: e.customerId,
        event: e.event,
        properties: e.properties,
        messageId: e.messageId,
      };
      ((await listened(e, options)) ? routed : quiet).push(call);
    }
    if (quiet.length) await ingestion.storeUnrouted(quiet);
    if (routed.length) await ingestion.accept(routed, false, options);
  };
}
