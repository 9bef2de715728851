import { describe, expect, it } from 'vitest';
import { chooseChannel } from '../src/send/channels.ts';
import type { Suppression } from '../src/send/suppressions.ts';

const suppression = (kind: Suppression['kind'], address = 'Ann@Example.com'): Suppression => ({
  customerId: 'ann',
  channel: 'email',
  address,
  kind,
  reason: kind === 'hard_bounce' ? '550 no such user' : 'spam report',
  receiptId: 'r1',
  at: '2026-01-01T00:00:00.000Z',
});
const choose = (suppressions: Suppression[], transactional = false, email = 'ann@example.com ') =>
  chooseChannel({
    candidates: ['email', 'sms'],
    traits: { email, phone: '+15550001' },
    subscriptions: {},
    topic: 'marketing',
    transactional,
    suppressions,
  });

describe('suppressed addresses in the channel choice', () => {
  it('falls back past a hard-bounced address, for transactional messages too, naming the reason', () => {
    expect(choose([suppression('hard_bounce')])).toEqual({ channel: 'sms', address: '+15550001' });
    expect(choose([suppression('hard_bounce')], true)).toEqual({ channel: 'sms', address: '+15550001' });
    expect(
      chooseChannel({
        candidates: ['email'],
        traits: { email: 'ann@example.com' },
        subscriptions: {},
        topic: 'marketing',
        transactional: false,
        suppressions: [suppression('hard_bounce')],
      }),
    ).toEqual({ unreachable: ['email: suppressed (hard bounce: 550 no such user)'] });
  });

  it('lets transactional messages reach an address that complained, and any new address', () => {
    expect(choose([suppression('complaint')])).toMatchObject({ channel: 'sms' });
    expect(choose([suppression('complaint')], true)).toMatchObject({ channel: 'email' });
    expect(choose([suppression('hard_bounce')], false, 'ann@new.example')).toMatchObject({
      channel: 'email',
    });
  });
});
