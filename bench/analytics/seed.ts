// Synthetic facts for one journey, shaped exactly as the engine and worker record them: enrollments, their
// timeline steps, one delivery each (some opened or clicked) and conversions, spread over `days` days.
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

export const JOURNEY = 'bench-journey';
const BATCH = 2_000;

export async function seedJourney(db: Db, enrollments: number, days: number, endMs: number) {
  const startMs = endMs - days * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  let docs: { enrollments: object[]; steps: object[]; deliveries: object[] } = {
    enrollments: [],
    steps: [],
    deliveries: [],
  };
  const flush = async () => {
    await Promise.all([
      docs.enrollments.length &&
        db.collection(COLLECTIONS.enrollments).insertMany(docs.enrollments as never[]),
      docs.steps.length && db.collection(COLLECTIONS.steps).insertMany(docs.steps as never[]),
      docs.deliveries.length && db.collection(COLLECTIONS.deliveries).insertMany(docs.deliveries as never[]),
    ]);
    docs = { enrollments: [], steps: [], deliveries: [] };
  };
  for (let i = 0; i < enrollments; i++) {
    const id = `bench-e${i}`;
    const customerId = `bench-c${i}`;
    const entered = startMs + Math.floor(((endMs - startMs - 3_600_000) * i) / enrollments);
    const port = i % 2 ? 'b' : 'a';
    const converted = i % 5 === 0;
    const waiting = !converted && i % 7 === 0;
    const ended = entered + 1_800_000;
    const base = { enrollmentId: id, journeyId: JOURNEY, customerId, visit: 1, reason: 'bench' };
    const step = (nodeId: string, nodeType: string, at: number, outcome: string, p: string | null) => ({
      _id: `${id}:${nodeId}:1`,
      ...base,
      nodeId,
      nodeType,
      at: iso(at),
      outcome,
      port: p,
    });
    docs.steps.push(
      step('start', 'trigger', entered, 'entered', 'next'),
      step('ab', 'split', entered, 'split', port),
      step(`mail${port.toUpperCase()}`, 'send', entered + 1_000, 'sent', 'next'),
    );
    if (converted) docs.steps.push(step('bought', 'goal', ended, 'converted', null));
    else if (!waiting)
      docs.steps.push(
        step('hold', 'wait', ended, 'done', 'next'),
        step('end', 'exit', ended, 'completed', null),
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
      endedAt: waiting ? null : iso(ended),
      endReason: converted ? 'Converted' : waiting ? null : 'Reached the end',
      triggerMessageId: `bench-t${i}`,
    });
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
      sentAtMs: entered + 1_000,
      ...(i % 3 === 0 ? { opens: 2, lastOpenedAt: iso(entered + 60_000) } : {}),
      ...(i % 9 === 0 ? { clicks: 1, lastClickedAt: iso(entered + 90_000) } : {}),
    });
    if (docs.enrollments.length >= BATCH) await flush();
  }
  await flush();
}
