// A bare Fastify ingestion route for the same-work baselines: parses a track call and stores the same event
// document Itinera stores; when a hand-coded journey is registered for the event, it writes the enrollment
// and starts the hand-coded workflow.
import { randomUUID } from 'node:crypto';
import { COLLECTIONS } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { MongoClient } from 'mongodb';
import type { BaselineInput } from './workflow.ts';

const env = process.env;
const mongo = await MongoClient.connect(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
const db = mongo.db(env.MONGODB_DB);
const events = db.collection(COLLECTIONS.events);
const enrollments = db.collection(COLLECTIONS.enrollments);
const profiles = db.collection(COLLECTIONS.profiles);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const temporal = new Client({ connection });
const taskQueue = env.TEMPORAL_TASK_QUEUE ?? 'baseline';
type Journey = Omit<BaselineInput, 'enrollmentId' | 'customerId'> & { triggerEvent: string };
const journeysByEvent = new Map<string, Journey>();

const TrackBody = Type.Object({
  userId: Type.String({ minLength: 1 }),
  event: Type.String({ minLength: 1 }),
  messageId: Type.Optional(Type.String()),
  timestamp: Type.Optional(Type.String()),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
type TrackBody = typeof TrackBody.static;

const app = Fastify({ logger: false });
app.get('/health', async () => ({ ok: true }));
app.put<{ Body: Journey }>('/journeys', async (req) => {
  journeysByEvent.set(req.body.triggerEvent, req.body);
  return { ok: true };
});
app.post<{ Body: TrackBody }>('/track', { schema: { body: TrackBody } }, async (req) => {
  const call = req.body;
  const receivedAt = new Date().toISOString();
  const doc = {
    _id: call.messageId ?? randomUUID(),
    type: 'track',
    customerId: call.userId,
    event: call.event,
    properties: call.properties ?? {},
    timestamp: call.timestamp ? new Date(call.timestamp).toISOString() : receivedAt,
    receivedAt,
  };
  await events.insertOne(doc as never);
  const journey = journeysByEvent.get(call.event);
  if (journey) {
    const enrollmentId = `${journey.journeyId}:${call.userId}`;
    await profiles.updateOne(
      { _id: call.userId as never },
      { $setOnInsert: { traits: {}, createdAt: receivedAt } },
      { upsert: true },
    );
    await enrollments.insertOne({
      _id: enrollmentId as never,
      journeyId: journey.journeyId,
      customerId: call.userId,
      status: 'active',
      startedAt: receivedAt,
    });
    await temporal.workflow.start('baselineJourney', {
      taskQueue,
      workflowId: enrollmentId,
      args: [{ ...journey, enrollmentId, customerId: call.userId } satisfies BaselineInput],
    });
  }
  return { success: true };
});
await app.listen({ port: Number(env.PORT ?? 3100), host: '127.0.0.1' });
console.log('baseline API listening');
const stop = async () => {
  await app.close();
  await connection.close();
  await mongo.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
