import { type Suppression, suppressionOf } from './suppressions.ts';

export type Channel = 'email' | 'sms' | 'push' | 'webhook';

/** The profile trait that holds each channel's address. */
export const ADDRESS_TRAIT: Record<Channel, string | null> = {
  email: 'email',
  sms: 'phone',
  push: 'push_subscription',
  webhook: null,
};

export interface Subscriptions {
  /** false = the customer opted out of this channel's marketing messages */
  channels?: Partial<Record<Channel, boolean>>;
  /** false = the customer opted out of this topic */
  topics?: Record<string, boolean>;
}

export interface ChannelChoice {
  channel: Channel;
  address: string;
}

function addressOf(channel: Channel, traits: Record<string, unknown>): string {
  const trait = ADDRESS_TRAIT[channel];
  const value = trait ? traits[trait] : undefined;
  if (value === undefined || value === null || value === '') return '';
  return typeof value === 'string' ? value.trim() : JSON.stringify(value);
}

/**
 * Picks the first reachable channel, the customer's `preferred_channel` first. A channel is unreachable
 * without an address or, unless the message is transactional, without consent for the channel and topic.
 */
export function chooseChannel(options: {
  candidates: Channel[];
  traits: Record<string, unknown>;
  subscriptions: Subscriptions;
  topic: string;
  transactional: boolean;
  /** A rendered explicit recipient overrides the profile address (webhook URL, fixed inbox). */
  explicitAddress?: (channel: Channel) => string | undefined;
  /** Addresses a provider reported as bounced or complaining (delivery receipts). */
  suppressions?: readonly Suppression[];
}): ChannelChoice | { unreachable: string[] } {
  const preferred = options.traits.preferred_channel as Channel | undefined;
  const ordered =
    preferred && options.candidates.includes(preferred)
      ? [preferred, ...options.candidates.filter((c) => c !== preferred)]
      : options.candidates;
  const unreachable: string[] = [];
  for (const channel of ordered) {
    const address = options.explicitAddress?.(channel) ?? addressOf(channel, options.traits);
    if (!address) {
      unreachable.push(`${channel}: no ${ADDRESS_TRAIT[channel] ?? 'address'}`);
      continue;
    }
    const suppressed = suppressionOf(options.suppressions ?? [], channel, address, options.transactional);
    if (suppressed) {
      unreachable.push(`${channel}: suppressed (${suppressed.kind.replace('_', ' ')}: ${suppressed.reason})`);
      continue;
    }
    if (!options.transactional && channel !== 'webhook') {
      if (options.subscriptions.channels?.[channel] === false) {
        unreachable.push(`${channel}: unsubscribed`);
        continue;
      }
      if (options.subscriptions.topics?.[options.topic] === false) {
        unreachable.push(`${channel}: unsubscribed from "${options.topic}"`);
        continue;
      }
    }
    return { channel, address };
  }
  return { unreachable };
}
