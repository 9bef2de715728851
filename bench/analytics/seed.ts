// Synthetic facts for one journey, shaped exactly as the engine and worker record them: enrollments, their
// timeline steps, one delivery each (some opened or clicked) and conversions, spread over `days` days, each
// stamped with the minute it is written (`foldKey`), steps with where the enrollment went next.
import { COLLECTIONS, CONTROL_STEP_NODE, foldKeyOf, hourKeyOf } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { benchGraph } from './graph.ts';

export const JOURNEY = 'bench-journey';
const BATCH = 2_000;

/** The journey and its published version 1 (a split experiment "ab" and a 10% holdout), as publishing writes them. */
async function seedJourneyDocs(db: Db, journeyId: string, createdAt: string) {
  const settings = { holdoutPercent: 10 };
  const journeys = db.collection(COLLECTIONS.journeys);
  if (await journeys.findOne({ _id: journeyId as never })) return;
  await journeys.insertOne({
    _id: journeyId as never,
    name: `Bench ${journeyId}`,
    status: 'live',
    graph: benchGraph,
    settings,
    liveVersion: 1,
    latestVersion: 1,
    revision: 1,
    createdAt,
    updatedAt: createdAt,
  });
  await db.collection(COLLECTIONS.versions).insertOne({
    _id: `${journeyId}:v1` as never,
    journeyId,
    version: 1,
    graph: benchGraph,
    settings,
    note: 'bench',
    publishedAt: createdAt,
  });
}

/**
 * Facts of `enrollments` entries into `journeyId` spread over `days` days before `endMs`: a tenth held out
 * (control step, no delivery), a fifth converted with a `purchased` event carrying an amount. Returns the
 * number of documents (facts) written.
 */
export async function seedJourney(
  db: Db,
  enrollments: number,
  days: number,
  endMs: number,
  {
    journeyId = JOURNEY,
    prefix = 'bench',
    stampMs = Date.now(),
  }: { journeyId?: string; prefix?: string; stampMs?: number } = {},
): Promise<number> {
  const JOURNEY = journeyId;
  const startMs = endMs - days * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  await seedJourneyDocs(db, journeyId, iso(startMs - 86_400_000));
  let docs: { enrollments: object[]; steps: object[]; deliveries: object[]; events: object[] } = {
    enrollments: [],
    steps: [],
    deliveries: [],
    events: [],
  };
  let written = 0;
  const flush = async () => {
    written += docs.enrollments.length + docs.steps.length + docs.deliveries.length + docs.events.length;
    await Promise.all([
      docs.enrollments.length &&
        db.collection(COLLECTIONS.enrollments).insertMany(docs.enrollments as never[]),
      docs.steps.length && db.collection(COLLECTIONS.steps).insertMany(docs.steps as never[]),
      docs.deliveries.length && db.collection(COLLECTIONS.deliveries).insertMany(docs.deliveries as never[]),
      docs.events.length && db.collection(COLLECTIONS.events).insertMany(docs.events as never[]),
    ]);
    docs = { enrollments: [], steps: [], deliveries: [], events: [] };
  };
  for (let i = 0; i < enrollments; i++) {
    const id = `${prefix}-e${i}`;
    const customerId = `${prefix}-c${i}`;
    const heldOut = i % 10 === 3;
    const entered = startMs + Math.floor(((endMs - startMs - 3_600_000) * i) / enrollments);
    const port = i % 2 ? 'b' : 'a';
    const converted = i % 5 === 0;
    const waiting = !converted && i % 7 === 0;
    const ended = entered + 1_800_000;
    const base = { enrollmentId: id, journeyId: JOURNEY, customerId, visit: 1, reason: 'bench' };
    const foldKey = foldKeyOf(stampMs);
    const step = (
      nodeId: string,
      nodeType: string,
      at: number,
      outcome: string,
      p: string | null,
      next: string | null,
    ) => ({
      _id: `${id}:${nodeId}:1`,
      ...base,
      nodeId,
      nodeType,
      at: iso(at),
      hour: hourKeyOf(at),
      outcome,
      port: p,
      next,
      foldKey,
    });
    if (heldOut) {
      const { next: _, ...control } = step(CONTROL_STEP_NODE, 'control', entered, 'holdout', null, null);
      docs.steps.push({ ...control, _id: `${id}:${CONTROL_STEP_NODE}:0`, visit: 0 });
    }
    const mail = `mail${port.toUpperCase()}`;
    docs.steps.push(
      step('start', 'trigger', entered, 'entered', 'next', 'ab'),
      step('ab', 'split', entered, 'split', port, mail),
      step(mail, 'send', entered + 1_000, heldOut ? 'held_out' : 'sent', 'next', 'hold'),
    );
    if (converted) {
      docs.steps.push(step('bought', 'goal', ended, 'converted', null, null));
      docs.events.push({
        _id: `${prefix}-buy${i}`,
        type: 'track',
        event: 'purchased',
        customerId,
        properties: { amount: 10 + (i % 50) },
        timestamp: iso(ended),
        receivedAt: iso(ended),
        foldKey,
      });
    } else if (!waiting)
      docs.steps.push(
        step('hold', 'wait', ended, 'done', 'next', 'end'),
        step('end', 'exit', ended, 'completed', null, null),
      );
    docs.enrollments.push({
      _id: id,
      journeyId: JOURNEY,
      journeyName: 'Bench',
      version: 1,
      customerId,
      entryNumber: 1,
      status: converted ? 'converted' : waiting ? 'active' : 'completed',
      currentNodeId: waiting ? 'hold' : null,
      enteredAt: iso(entered),
      enteredHour: hourKeyOf(entered),
      endedAt: waiting ? null : iso(ended),
      ...(waiting ? {} : { endedHour: hourKeyOf(ended) }),
      endReason: converted ? 'Converted' : waiting ? null : 'Reached the end',
      triggerMessageId: `bench-t${i}`,
      entryNodeId: 'start',
      foldKey,
    });
    if (!heldOut)
      docs.deliveries.push({
        _id: `${id}:mail`,
        status: 'sent',
        detail: 'to someone via outbox',
        channel: 'email',
        updatedAt: iso(entered + 1_000),
        customerId,
        journeyId: JOURNEY,
        nodeId: `mail${port.toUpperCase()}`,
        enrollmentId: id,
        topic: 'marketing',
        createdAt: iso(entered + 1_000),
        createdHour: hourKeyOf(entered + 1_000),
        sentAtMs: entered + 1_000,
        ...(i % 3 === 0 ? { opens: 2, lastOpenedAt: iso(entered + 60_000) } : {}),
        ...(i % 9 === 0 ? { clicks: 1, lastClickedAt: iso(entered + 90_000) } : {}),
        foldKey,
      });
    if (docs.enrollments.length >= BATCH) await flush();
  }
  await flush();
  return written;
}
