import { loadLinkSecret, publicBaseUrl } from '@itinera/nodes/send';
import { COLLECTIONS, decodeRecord } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { PermanentDeliveryError } from '../../providers/types.ts';
import { computedValuesOf } from '../computed-values.ts';
import { composeOrExplain, messageContent } from './compose.ts';
import type { ProviderMap, SendInput } from './index.ts';

export interface TestSendInput {
  deliveryId: string;
  journeyId: string;
  journeyName: string;
  version: number | 'draft';
  nodeId: string;
  customerId: string;
  /** The tester's address or phone: the customer's own addresses and consent are not consulted. */
  to: string;
  config: SendInput['config'];
}

export interface TestSendOutput {
  status: 'sent' | 'failed';
  deliveryId: string;
  channel: string;
  to: string;
  detail: string;
  subject?: string;
  body: string;
}

/**
 * Sends one node's message, rendered for a real customer, to a tester. Recorded as a delivery with
 * `test: true` and the journey under `testOf` (not `journeyId`), so no analytics, experiment or revenue
 * query counts it; it claims no frequency-cap slot and carries no unsubscribe or tracking links.
 */
export function testSendActivities(db: Db, providers: ProviderMap, env: NodeJS.ProcessEnv = process.env) {
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const secret = loadLinkSecret(db, env);
  const baseUrl = publicBaseUrl(env);

  const sendTestMessage = async (input: TestSendInput): Promise<TestSendOutput> => {
    const { config } = input;
    const channel = config.channel;
    const now = new Date().toISOString();
    const result = (
      status: TestSendOutput['status'],
      detail: string,
      message?: { subject?: string; body: string },
    ) => ({
      status,
      deliveryId: input.deliveryId,
      channel,
      to: input.to,
      detail,
      subject: message?.subject,
      body: message?.body ?? '',
    });
    const record = async (output: TestSendOutput, extra: Record<string, unknown> = {}) => {
      await deliveries.updateOne(
        { _id: input.deliveryId as never },
        {
          $set: {
            status: output.status,
            detail: output.detail,
            updatedAt: new Date().toISOString(),
            ...extra,
          },
          $setOnInsert: {
            test: true,
            customerId: input.customerId,
            testOf: { journeyId: input.journeyId, nodeId: input.nodeId, version: input.version },
            channel,
            to: input.to,
            topic: config.topic ?? 'marketing',
            createdAt: now,
          },
        },
        { upsert: true },
      );
      return output;
    };

    const content = await messageContent(db, config);
    if (!content) return record(result('failed', `template "${config.templateId}" does not exist`));
    const profile = await db.collection(COLLECTIONS.profiles).findOne({ _id: input.customerId as never });
    const extra: Record<string, unknown> = { computed: await computedValuesOf(db, input.customerId) };
    // A promo pool is not drawn from for a test: the code is shown as a placeholder.
    if (config.promoPool) extra.promo_code = 'TEST-CODE';
    const sendInput: SendInput = {
      idempotencyKey: input.deliveryId,
      enrollmentId: input.deliveryId,
      journeyId: input.journeyId,
      journeyName: input.journeyName,
      nodeId: input.nodeId,
      customerId: input.customerId,
      config,
      vars: {},
    };
    const message = await composeOrExplain(
      sendInput,
      channel,
      input.to,
      decodeRecord(profile?.traits),
      content,
      extra,
      {
        baseUrl,
        secret: await secret,
        inert: true,
      },
    );
    if ('templateError' in message) return record(result('failed', message.templateError));
    const provider = providers[channel];
    try {
      const receipt = await provider.send(message, { idempotencyKey: input.deliveryId });
      return record(result('sent', `test to ${input.to} via ${provider.name}`, message), {
        providerMessageId: receipt.providerMessageId,
      });
    } catch (error) {
      const reason = error instanceof PermanentDeliveryError ? error.message : (error as Error).message;
      return record(result('failed', `test to ${input.to} failed: ${reason}`, message));
    }
  };

  return { sendTestMessage };
}
