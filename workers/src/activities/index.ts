import type { Db } from 'mongodb';
import { outboxProvider } from '../providers/outbox.ts';
import { webhookProvider } from '../providers/webhook.ts';
import { bookkeepingActivities } from './bookkeeping.ts';
import { journeyVersionActivities } from './journey-versions.ts';
import { profileActivities } from './profiles.ts';
import { segmentActivities } from './segments.ts';
import { type ProviderMap, sendActivities } from './send/index.ts';
import { testSendActivities } from './send/test-send.ts';

export function defaultProviders(db: Db): ProviderMap {
  const outbox = outboxProvider(db);
  return { email: outbox, sms: outbox, push: outbox, webhook: webhookProvider() };
}

/** Every built-in activity, bound to one database and one set of delivery providers. */
export function builtInActivities(db: Db, providers: ProviderMap = defaultProviders(db)) {
  return {
    ...bookkeepingActivities(db),
    ...profileActivities(db),
    ...sendActivities(db, providers),
    ...segmentActivities(db),
    ...testSendActivities(db, providers),
    ...journeyVersionActivities(db),
  };
}
