import type { JourneyAnalytics } from '@itinera/schemas';
import { percent } from './figures.ts';

type SendRow = JourneyAnalytics['sends'][number];

/** Provider delivery receipts per send node (Twilio status callbacks, email event webhooks). */
export const receiptColumns: { title: string; value: (row: SendRow) => string | number }[] = [
  { title: 'Delivered', value: (r) => `${percent(r.deliveryRate)} (${r.delivered})` },
  {
    title: 'Bounced (hard/soft)',
    value: (r) => `${percent(r.bounceRate)} (${r.hardBounced}/${r.softBounced})`,
  },
  { title: 'Complaints', value: (r) => `${percent(r.complaintRate)} (${r.complained})` },
  { title: 'Undelivered', value: (r) => r.undelivered },
];
