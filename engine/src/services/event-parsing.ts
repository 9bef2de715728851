import { randomUUID } from 'node:crypto';
import type { CustomerEvent, IdentifyCall, TrackCall } from '@itinera/schemas';
import { HttpError } from '../plugins/errors.ts';

export type Call = (TrackCall & { type: 'track' }) | (IdentifyCall & { type: 'identify' });

export interface EventDoc extends Omit<CustomerEvent, 'messageId'> {
  _id: string;
  type: 'track' | 'identify';
  traits?: Record<string, unknown>;
}

export function normalise(call: Call, index: number | null): EventDoc {
  const field = (name: string) => (index === null ? name : `batch.${index}.${name}`);
  const customerId = call.userId ?? call.anonymousId;
  if (!customerId) throw new HttpError(400, `${field('userId')} or anonymousId is required`, field('userId'));
  for (const key of Object.keys(call.type === 'identify' ? (call.traits ?? {}) : {})) {
    if (key.startsWith('$') || key.includes('.') || key === '') {
      throw new HttpError(
        400,
        `${field(`traits.${key}`)}: trait names may not be empty, start with "$" or contain "."`,
        field(`traits.${key}`),
      );
    }
  }
  const timestamp = call.timestamp ? new Date(call.timestamp) : new Date();
  if (Number.isNaN(timestamp.getTime()))
    throw new HttpError(400, `${field('timestamp')} is not a date`, field('timestamp'));
  return {
    _id: call.messageId ?? randomUUID(),
    type: call.type,
    customerId,
    event: call.type === 'track' ? call.event : '$identify',
    properties: call.type === 'track' ? (call.properties ?? {}) : {},
    traits: call.type === 'identify' ? (call.traits ?? {}) : undefined,
    timestamp: timestamp.toISOString(),
    receivedAt: new Date().toISOString(),
  };
}
