import { describe, expect, it } from 'vitest';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('computed attributes on the customer page in a real browser', () => {
  const s = sharedEditorSession();

  it("shows the customer's computed values beside the traits", async () => {
    const put = await s.h.call('PUT', '/v1/computed-attributes/total_spent', {
      kind: 'sum',
      event: 'purchased',
      property: 'amount',
    });
    expect(put.status).toBe(200);
    await s.h.track('cust-computed', 'purchased', { amount: 12.5 });
    await s.h.track('cust-computed', 'purchased', { amount: 30 });
    const page = await s.signedIn('support');
    await page.goto(`${s.url}#/customers/cust-computed`);
    await hasText(page, 'h1', 'cust-computed');
    await hasText(page, T('computed-total_spent'), '42.5');
    expect(s.consoleErrors).toEqual([]);
  });
});
