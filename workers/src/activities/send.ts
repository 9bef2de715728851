import { COLLECTIONS } from '@itinera/schemas';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import {
  type Channel,
  type DeliveryProvider,
  PermanentDeliveryError,
  type RenderedMessage,
} from '../providers/types.ts';
import { renderTemplate, TemplateError } from './templates.ts';

export interface SendInput {
  idempotencyKey: string;
  enrollmentId: string;
  journeyId: string;
  journeyName: string;
  nodeId: string;
  customerId: string;
  config: {
    channel: Channel;
    to?: string;
    subject?: string;
    body: string;
    url?: string;
    method?: string;
    headers?: Record<string, string>;
  };
  vars: Record<string, unknown>;
}

export interface SendOutput {
  status: 'sent' | 'duplicate' | 'skipped' | 'failed';
  channel: Channel;
  messageId: string;
  detail: string;
  response?: unknown;
}

const ADDRESS_TRAIT: Record<Channel, string | null> = {
  email: 'email',
  sms: 'phone',
  push: 'push_token',
  webhook: null,
};

export type ProviderMap = Record<Channel, DeliveryProvider>;

export function sendActivities(db: Db, providers: ProviderMap) {
  const deliveries = db.collection(COLLECTIONS.deliveries);

  const settle = async (input: SendInput, output: SendOutput) => {
    await deliveries.updateOne(
      { _id: input.idempotencyKey as never },
      { $set: { status: output.status, detail: output.detail, updatedAt: new Date().toISOString() } },
      { upsert: true },
    );
    return output;
  };

  return {
    /** Renders and delivers one message, at most once per idempotency key. */
    async sendMessage(input: SendInput): Promise<SendOutput> {
      const { channel } = input.config;
      const base = { channel, messageId: input.idempotencyKey };
      const previous = await deliveries.findOne({ _id: input.idempotencyKey as never });
      if (previous && previous.status !== 'sending') {
        return {
          ...base,
          status: 'duplicate',
          detail: `already ${previous.status}: ${previous.detail}`,
          response: previous.response,
        };
      }
      const profile = await db.collection(COLLECTIONS.profiles).findOne({ _id: input.customerId as never });
      const traits = (profile?.traits as Record<string, unknown>) ?? {};
      const context = {
        profile: { id: input.customerId, ...traits },
        customer_id: input.customerId,
        trigger: input.vars.trigger ?? null,
        event: input.vars.event ?? null,
        journey: { id: input.journeyId, name: input.journeyName },
        vars: input.vars,
      };
      let message: RenderedMessage;
      try {
        const addressTrait = ADDRESS_TRAIT[channel];
        const to = input.config.to
          ? await renderTemplate(input.config.to, context)
          : channel === 'webhook'
            ? (input.config.url ?? '')
            : String(traits[addressTrait ?? ''] ?? '');
        if (!to.trim())
          return settle(input, {
            ...base,
            status: 'skipped',
            detail: `customer has no ${addressTrait ?? 'address'}`,
          });
        message = {
          channel,
          to: to.trim(),
          subject: input.config.subject ? await renderTemplate(input.config.subject, context) : undefined,
          body: await renderTemplate(input.config.body, context),
          method: input.config.method,
          headers: input.config.headers,
          customerId: input.customerId,
          journeyId: input.journeyId,
          nodeId: input.nodeId,
          enrollmentId: input.enrollmentId,
        };
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        return settle(input, { ...base, status: 'failed', detail: `template error: ${error.message}` });
      }

      await deliveries.updateOne(
        { _id: input.idempotencyKey as never },
        {
          $setOnInsert: {
            status: 'sending',
            channel,
            to: message.to,
            customerId: input.customerId,
            createdAt: new Date().toISOString(),
          },
        },
        { upsert: true },
      );
      const provider = providers[channel];
      try {
        const receipt = await provider.send(message, { idempotencyKey: input.idempotencyKey });
        await deliveries.updateOne(
          { _id: input.idempotencyKey as never },
          {
            $set: {
              status: 'sent',
              detail: `to ${message.to} via ${provider.name}`,
              providerMessageId: receipt.providerMessageId,
              response: receipt.response,
            },
          },
        );
        return {
          ...base,
          status: 'sent',
          detail: `to ${message.to} via ${provider.name}`,
          response: receipt.response,
        };
      } catch (error) {
        if (error instanceof PermanentDeliveryError) {
          return settle(input, { ...base, status: 'failed', detail: error.message });
        }
        throw ApplicationFailure.retryable((error as Error).message, 'DeliveryError');
      }
    },
  };
}
