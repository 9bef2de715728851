import {
  type Channel,
  chooseChannel,
  loadLinkSecret,
  publicBaseUrl,
  quietHoursEnd,
} from '@itinera/nodes/send';
import { COLLECTIONS, customerTimezone, decodeRecord, foldKeyOf, hourKeyOf } from '@itinera/schemas';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { redactUrl } from '../../providers/redact.ts';
import { type DeliveryProvider, PermanentDeliveryError } from '../../providers/types.ts';
import { computedValuesOf } from '../computed-values.ts';
import { capSlots } from './cap-slots.ts';
import { composeOrExplain, messageContent } from './compose.ts';
import { claimPromoCode } from './promo.ts';
import { deliveryRecords } from './records.ts';

export interface SendInput {
  idempotencyKey: string;
  enrollmentId: string;
  journeyId: string;
  journeyName: string;
  journeyPriority?: number;
  nodeId: string;
  customerId: string;
  /** Workflow time: quiet hours and caps are judged against it, so time-skipping tests see the same clock. */
  nowMs?: number;
  /** Resolved by the workflow (enrollments recorded before `send-resolves-timezone`), else from the profile. */
  timezone?: string;
  defaultTimezone?: string;
  config: {
    channel: Channel;
    fallbackChannels?: Channel[];
    topic?: string;
    transactional?: boolean;
    templateId?: string;
    to?: string;
    subject?: string;
    body: string;
    promoPool?: string;
    onCap?: 'defer' | 'skip';
    track?: boolean;
    url?: string;
    method?: string;
    headers?: Record<string, string>;
  };
  vars: Record<string, unknown>;
}

export interface SendOutput {
  status: 'sent' | 'duplicate' | 'skipped' | 'failed' | 'deferred';
  channel: Channel;
  messageId: string;
  detail: string;
  retryAtMs?: number;
  response?: unknown;
}

export type ProviderMap = Record<Channel, DeliveryProvider>;

const FINAL = new Set(['sent', 'skipped', 'failed']);

export function sendActivities(db: Db, providers: ProviderMap, env: NodeJS.ProcessEnv = process.env) {
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const records = deliveryRecords(db);
  const caps = capSlots(db);
  const secret = loadLinkSecret(db, env);
  const baseUrl = publicBaseUrl(env);

  const record = async (input: SendInput, output: SendOutput, extra: Record<string, unknown> = {}) => {
    const now = new Date().toISOString();
    await deliveries.updateOne(
      { _id: input.idempotencyKey as never },
      {
        $set: {
          status: output.status,
          detail: output.detail,
          channel: output.channel,
          updatedAt: now,
          foldKey: foldKeyOf(),
          ...extra,
        },
        $setOnInsert: {
          customerId: input.customerId,
          journeyId: input.journeyId,
          nodeId: input.nodeId,
          enrollmentId: input.enrollmentId,
          topic: input.config.topic ?? 'marketing',
          createdAt: now,
          createdHour: hourKeyOf(now),
        },
      },
      { upsert: true },
    );
    return output;
  };

  /** Decides, renders and delivers one message, at most once per idempotency key. */
  const send = async (input: SendInput): Promise<SendOutput> => {
    const { config } = input;
    const nowMs = input.nowMs ?? Date.now();
    const transactional = config.transactional === true;
    const base = { channel: config.channel, messageId: input.idempotencyKey };
    const previous = await deliveries.findOne({ _id: input.idempotencyKey as never });
    if (previous && FINAL.has(previous.status)) {
      return {
        ...base,
        channel: previous.channel ?? config.channel,
        status: 'duplicate',
        detail: `already ${previous.status}: ${previous.detail}`,
        response: previous.response,
      };
    }
    const [profile, subscriptions, settings, suppressions] = await Promise.all([
      db.collection(COLLECTIONS.profiles).findOne({ _id: input.customerId as never }),
      records.subscriptions(input.customerId),
      records.settings(),
      records.suppressions(input.customerId),
    ]);
    const traits = decodeRecord(profile?.traits);
    const timezone = input.timezone ?? customerTimezone(traits.timezone, input.defaultTimezone);
    // A retry after a crash mid-send resumes that send: same channel, and no second look at quiet hours or caps.
    const resuming = previous?.status === 'sending';
    const candidates: Channel[] = resuming
      ? [previous.channel ?? config.channel]
      : [config.channel, ...(config.fallbackChannels ?? [])];
    const configuredAddress = (channel: Channel) =>
      channel === 'webhook' ? config.url : candidates.length === 1 ? config.to : undefined;
    const choice = chooseChannel({
      candidates,
      traits,
      subscriptions,
      topic: config.topic ?? 'marketing',
      transactional,
      explicitAddress: configuredAddress,
      suppressions,
    });
    if ('unreachable' in choice) {
      return record(input, {
        ...base,
        status: 'skipped',
        detail: `unreachable: ${choice.unreachable.join('; ')}`,
      });
    }
    const { channel } = choice;
    const at = { ...base, channel };

    if (!transactional && !resuming) {
      const quietEnd = quietHoursEnd(nowMs, timezone, settings.quietHours);
      if (quietEnd) {
        const detail = `quiet hours until ${new Date(quietEnd).toISOString()} (${timezone})`;
        return record(input, { ...at, status: 'deferred', detail, retryAtMs: quietEnd });
      }
      const channelCaps = settings.frequencyCaps.filter((c) => c.channel === channel);
      const decision = channelCaps.length
        ? await caps.claim({
            customerId: input.customerId,
            channel,
            key: input.idempotencyKey,
            nowMs,
            caps: channelCaps,
            priority: input.journeyPriority,
          })
        : { ok: true as const };
      if (!decision.ok) {
        const { cap, releaseAt } = decision;
        const limit = `frequency cap: at most ${cap.max} ${channel} per ${cap.windowHours}h`;
        if (config.onCap === 'skip') return record(input, { ...at, status: 'skipped', detail: limit });
        return record(input, { ...at, status: 'deferred', detail: limit, retryAtMs: releaseAt });
      }
    }
    /** Records an outcome in which nothing went out, giving back any frequency-cap slot the send holds. */
    const notSent = async (output: SendOutput) => {
      await caps.release(input.customerId, input.idempotencyKey);
      return record(input, output);
    };

    const extra: Record<string, unknown> = { computed: await computedValuesOf(db, input.customerId) };
    if (config.promoPool) {
      const claim = await claimPromoCode(db, {
        poolId: config.promoPool,
        idempotencyKey: input.idempotencyKey,
        customerId: input.customerId,
      });
      if ('exhausted' in claim)
        return notSent({
          ...at,
          status: 'skipped',
          detail: `promo pool "${config.promoPool}" is exhausted`,
        });
      if ('missingPool' in claim)
        return notSent({
          ...at,
          status: 'failed',
          detail: `promo pool "${config.promoPool}" does not exist`,
        });
      extra.promo_code = claim.code;
    }
    const content = await messageContent(db, config);
    if (!content)
      return notSent({
        ...at,
        status: 'failed',
        detail: `template "${config.templateId}" does not exist`,
      });

    const message = await composeOrExplain(
      input,
      channel,
      choice.address,
      traits,
      content,
      extra,
      {
        baseUrl,
        secret: await secret,
      },
      configuredAddress(channel),
    );
    if ('templateError' in message)
      return notSent({ ...at, status: 'failed', detail: message.templateError });

    // Webhook URLs may carry credentials; what is stored and shown is redacted.
    const shownTo = channel === 'webhook' ? redactUrl(message.to) : message.to;
    await record(
      input,
      { ...at, status: 'sending' as never, detail: `to ${shownTo}` },
      { to: shownTo, promoCode: extra.promo_code },
    );
    const provider = providers[channel];
    try {
      const receipt = await provider.send(message, { idempotencyKey: input.idempotencyKey });
      const detail = `to ${shownTo} via ${provider.name}${extra.promo_code ? ` with code ${extra.promo_code}` : ''}`;
      return record(
        input,
        { ...at, status: 'sent', detail, response: receipt.response },
        { providerMessageId: receipt.providerMessageId, response: receipt.response, sentAtMs: nowMs },
      );
    } catch (error) {
      if (error instanceof PermanentDeliveryError)
        return notSent({ ...at, status: 'failed', detail: error.message });
      throw ApplicationFailure.retryable((error as Error).message, 'DeliveryError');
    }
  };

  return {
    /** Frequency caps hold across concurrent journeys and workers through slot claims, not a lock. */
    sendMessage: send,
  };
}
