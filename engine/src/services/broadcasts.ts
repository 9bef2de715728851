import { randomUUID } from 'node:crypto';
import { type BroadcastInput, type BroadcastView, COLLECTIONS } from '@itinera/schemas';
import {
  BROADCAST_WORKFLOW,
  type BroadcastWorkflowInput,
  broadcastCancelSignal,
  broadcastPauseSignal,
  broadcastResumeSignal,
} from '@itinera/workers/broadcast';
import type { SignalDefinition } from '@temporalio/client';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { BroadcastDoc, RecipientDoc } from './broadcast-activities.ts';
import type { JourneyService } from './journeys.ts';
import type { TemporalTarget } from './routing.ts';

/** The task queue on which API processes host the broadcast activities. */
export const broadcastActivityQueue = (taskQueue: string) => `${taskQueue}-api`;

const FINISHED = new Set(['completed', 'cancelled']);

/** Broadcasts: a one-off entry of a segment into a journey, driven by a Temporal workflow per broadcast. */
export function broadcastService(
  db: Db,
  journeys: JourneyService,
  temporal: TemporalTarget,
  bounded: <T>(call: () => Promise<T>) => Promise<T>,
) {
  const broadcasts = db.collection<BroadcastDoc>(COLLECTIONS.broadcasts);
  const recipients = db.collection<RecipientDoc>(COLLECTIONS.broadcastRecipients);
  const workflowId = (id: string) => `broadcast:${id}`;

  const load = async (id: string) => {
    const doc = await broadcasts.findOne({ _id: id });
    if (!doc) throw new HttpError(404, `Broadcast "${id}" does not exist`, 'id');
    return doc;
  };

  const view = async ({ _id, ...doc }: BroadcastDoc): Promise<BroadcastView> => {
    const counts = await recipients
      .aggregate<{ _id: RecipientDoc['status']; n: number }>([
        { $match: { broadcastId: _id } },
        { $group: { _id: '$status', n: { $sum: 1 } } },
      ])
      .toArray();
    const count = (status: RecipientDoc['status']) => counts.find((c) => c._id === status)?.n ?? 0;
    const progress = {
      total: counts.reduce((sum, c) => sum + c.n, 0),
      entered: count('entered'),
      heldOut: count('held_out'),
      skipped: count('skipped'),
      remaining: count('pending'),
    };
    return { id: _id, ...doc, state: doc.state as BroadcastView['state'], progress };
  };

  const signal = async (id: string, which: SignalDefinition) => {
    const doc = await load(id);
    if (FINISHED.has(doc.state)) throw new HttpError(409, `Broadcast is ${doc.state}`, 'id');
    await bounded(() => temporal.client.workflow.getHandle(workflowId(id)).signal(which));
    return view(doc);
  };

  return {
    async create(input: BroadcastInput): Promise<BroadcastView> {
      const journey = await journeys.get(input.journeyId);
      if (journey.status !== 'live')
        throw new HttpError(400, `Journey "${journey.id}" is ${journey.status}, not live`, 'journeyId');
      const id = randomUUID();
      const doc: BroadcastDoc = {
        _id: id,
        ...input,
        state: 'scheduled',
        createdAt: new Date().toISOString(),
      };
      await broadcasts.insertOne(doc);
      const { schedule } = input;
      const startAt =
        schedule.kind === 'at' ? schedule.at : schedule.kind === 'local' ? schedule.from : undefined;
      const args: BroadcastWorkflowInput = {
        broadcastId: id,
        startAtMs: startAt ? Date.parse(startAt) : null,
        ratePerMinute: input.ratePerMinute ?? null,
        activityTaskQueue: broadcastActivityQueue(temporal.taskQueue),
      };
      await bounded(() =>
        temporal.client.workflow.start(BROADCAST_WORKFLOW, {
          workflowId: workflowId(id),
          taskQueue: temporal.taskQueue,
          args: [args],
        }),
      );
      return view(doc);
    },
    list: async () =>
      Promise.all((await broadcasts.find().sort({ createdAt: -1 }).limit(200).toArray()).map(view)),
    get: async (id: string) => view(await load(id)),
    pause: (id: string) => signal(id, broadcastPauseSignal),
    resume: (id: string) => signal(id, broadcastResumeSignal),
    cancel: (id: string) => signal(id, broadcastCancelSignal),
  };
}

export type BroadcastService = ReturnType<typeof broadcastService>;
