import { randomUUID } from 'node:crypto';
import {
  type AliasCall,
  type CustomerEvent,
  decodeRecord,
  encodeStored,
  type GroupCall,
  type IdentifyCall,
  type PageCall,
  type ScreenCall,
  type TrackCall,
  UnstorableValueError,
} from '@itinera/schemas';
import { HttpError } from '../plugins/errors.ts';
import type { EventLimits } from './event-limits.ts';

export type Call =
  | (TrackCall & { type: 'track' })
  | (IdentifyCall & { type: 'identify' })
  | (PageCall & { type: 'page' })
  | (ScreenCall & { type: 'screen' })
  | (GroupCall & { type: 'group' })
  | (AliasCall & { type: 'alias' });

export type CallType = Call['type'];

/** A stored call. `properties`, `traits` and `context` hold the storage encoding (see stored-json.ts). */
export interface EventDoc extends Omit<CustomerEvent, 'messageId'> {
  _id: string;
  type: CallType;
  traits?: Record<string, unknown>;
  /** alias: the id merged into `customerId`. */
  previousId?: string;
  /** Analytics: the minute it was stored (schemas/src/fold-key.ts). */
  foldKey?: string;
}

/** Calls that can enter journeys and reach waiting customers; the others only change the profile. */
export const ROUTED_TYPES: readonly CallType[] = ['track', 'page', 'screen'];
export const isRouted = (doc: EventDoc) => ROUTED_TYPES.includes(doc.type);

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');

function eventName(call: Call): string {
  if (call.type === 'track') return call.event;
  if (call.type === 'identify' || call.type === 'group' || call.type === 'alias') return `$${call.type}`;
  return call.type;
}

/** page/screen: `name` and `category` join the properties unless the properties already have them. */
function propertiesOf(call: Call): Record<string, unknown> {
  if (call.type === 'track') return call.properties ?? {};
  if (call.type !== 'page' && call.type !== 'screen') return {};
  const named = Object.fromEntries(
    Object.entries({ name: call.name, category: call.category }).filter(([, v]) => v !== undefined),
  );
  return { ...named, ...(call.properties ?? {}) };
}

function traitsOf(call: Call): Record<string, unknown> | undefined {
  if (call.type === 'identify') return call.traits ?? {};
  if (call.type === 'group') return { group: { ...(call.traits ?? {}), id: call.groupId } };
  return undefined;
}

/** Validates one call against the limits and encodes it for storage; throws a 4xx naming the field. */
export function normalise(call: Call, index: number | null, limits: EventLimits): EventDoc {
  const field = (name: string) => (index === null ? name : `batch.${index}.${name}`);
  const customerId = call.userId ?? call.anonymousId;
  if (!customerId) throw new HttpError(400, `${field('userId')} or anonymousId is required`, field('userId'));
  // Identifiers and names are stored as they are; PostgreSQL (the embedded store) cannot hold NUL in them.
  const named = call as Partial<Record<string, unknown>>;
  for (const name of ['userId', 'anonymousId', 'previousId', 'messageId', 'event', 'name']) {
    const value = named[name];
    if (typeof value === 'string' && value.includes('\0'))
      throw new HttpError(400, `${field(name)} may not contain the NUL character`, field(name));
  }
  const timestamp = call.timestamp ? new Date(call.timestamp) : new Date();
  if (Number.isNaN(timestamp.getTime()))
    throw new HttpError(400, `${field('timestamp')} is not a date`, field('timestamp'));

  const parts = { properties: propertiesOf(call), traits: traitsOf(call), context: call.context };
  const encoded: Record<string, Record<string, unknown> | undefined> = {};
  for (const [name, value] of Object.entries(parts)) {
    if (value === undefined) continue;
    const size = bytes(value);
    if (size > limits.propertiesBytes)
      throw new HttpError(
        413,
        `${field(name)} is ${size} bytes; the limit is ${limits.propertiesBytes} (ITINERA_MAX_PROPERTIES_BYTES)`,
        field(name),
      );
    try {
      encoded[name] = encodeStored(value, field(name), { maxDepth: limits.depth }) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof UnstorableValueError)
        throw new HttpError(400, `${error.message}; it cannot be stored`, error.path);
      throw error;
    }
  }
  const size = bytes(call);
  if (size > limits.eventBytes) {
    const where = index === null ? 'body' : `batch.${index}`;
    throw new HttpError(
      413,
      `${where} is ${size} bytes; the limit is ${limits.eventBytes} (ITINERA_MAX_EVENT_BYTES)`,
      where,
    );
  }
  return {
    _id: call.messageId ?? randomUUID(),
    type: call.type,
    customerId,
    ...(call.anonymousId ? { anonymousId: call.anonymousId } : {}),
    ...(call.type === 'alias' ? { previousId: call.previousId } : {}),
    event: eventName(call),
    properties: encoded.properties ?? {},
    ...(encoded.traits ? { traits: encoded.traits } : {}),
    ...(encoded.context ? { context: encoded.context } : {}),
    timestamp: timestamp.toISOString(),
    receivedAt: new Date().toISOString(),
  };
}

/** The event as journeys see it: decoded properties, no context (workflow inputs stay small). */
export function toEvent(doc: EventDoc): CustomerEvent {
  return {
    messageId: doc._id,
    customerId: doc.customerId,
    event: doc.event,
    properties: decodeRecord(doc.properties),
    timestamp: doc.timestamp,
    receivedAt: doc.receivedAt,
  };
}

/** The event as the API shows it: everything the call carried, decoded. */
export function toStoredEvent(doc: EventDoc): CustomerEvent & { type: CallType } {
  return {
    ...toEvent(doc),
    type: doc.type,
    ...(doc.context ? { context: decodeRecord(doc.context) } : {}),
    ...(doc.anonymousId ? { anonymousId: doc.anonymousId } : {}),
  };
}
