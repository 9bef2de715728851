import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const rule = (rulePath: string, inner = '') => `[data-testid="rule-${rulePath}"]${inner ? ` ${inner}` : ''}`;

describe.skipIf(skipWithoutChromium)('segments page in a real browser', () => {
  const s = sharedEditorSession();

  it('builds nested rules with a live estimate, saves them and follows the members as they change', async () => {
    await s.h.identify('seg-ada', { plan: 'pro', city: 'Oslo' });
    await s.h.identify('seg-bob', { plan: 'pro', city: 'Rome' });
    await s.h.identify('seg-cy', { plan: 'free', city: 'Lima' });
    const page = await s.signedIn('marketer');
    await page.click(T('nav-segments'));
    await page.click(T('segment-new'));
    await page.fill(T('segment-name'), 'Pro outside Rome');
    await page.fill(rule('rules.all[0]', T('field-trait')), 'plan');
    await page.fill(rule('rules.all[0]', T('field-value')), 'pro');
    await hasText(page, T('segment-estimate'), '2');

    // A second rule, negated: its empty trait is refused by the dry run, which names the rule's field.
    await page.click(T('rule-add-rules'));
    await page.click(T('rule-negate-rules.all[1]'));
    await hasText(page, T('segment-rule-problem'), 'rules.all[1].not.trait');
    await page.locator(`${rule('rules.all[1].not')}.rule-invalid`).waitFor();
    await page.fill(rule('rules.all[1].not', T('field-trait')), 'city');
    await page.fill(rule('rules.all[1].not', T('field-value')), 'Rome');
    await hasText(page, T('segment-estimate'), '1');
    await hasText(page, T('segment-sample'), 'seg-ada');
    expect(await page.locator(T('segment-sample')).textContent()).not.toContain('seg-bob');

    // A nested "any" group inside the "all".
    await page.click(T('rule-add-group-rules'));
    await page.selectOption(rule('rules.all[2].any[0]', T('rule-kind-rules.all[2].any[0]')), 'bucket');
    await page.fill(rule('rules.all[2].any[0]', T('field-to')), '99');
    await hasText(page, T('segment-estimate'), '1');

    await page.click(T('segment-save'));
    await page.waitForURL(/#\/segments\/pro-outside-rome$/);
    await hasText(page, T('segment-members'), 'seg-ada', 30_000);
    await page.locator(T('chart-segment-size')).waitFor();
    const saved = (await s.h.call('GET', '/v1/segments/pro-outside-rome')).body;
    expect(saved.rules).toEqual({
      all: [
        { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
        { not: { kind: 'attribute', trait: 'city', op: 'eq', value: 'Rome' } },
        { any: [{ kind: 'bucket', from: 0, to: 99 }] },
      ],
    });

    // Membership changes the moment the data does; the page follows it.
    await s.h.identify('seg-cy', { plan: 'pro' });
    await hasText(page, T('segment-members'), 'seg-cy', 30_000);
    await hasText(page, T('segment-current-size'), '2 now', 30_000);
    await hasText(page, T('segment-estimate'), '2', 30_000);
    await page.setViewportSize({ width: 1280, height: 1700 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'segments.png') });

    await page.click(T('member-seg-cy'));
    await hasText(page, T('customer-segment-pro-outside-rome'), 'Pro outside Rome');
    await hasText(page, T('customer-segment-changes'), 'plan is "pro"');

    await page.click(T('nav-segments'));
    await hasText(page, T('segment-size-pro-outside-rome'), '2');
    await hasText(page, T('segment-row-pro-outside-rome'), 'ready', 30_000);
    await page.context().close();
  });

  it('pages through members and deletes a segment', async () => {
    const members = Array.from({ length: 30 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    await s.h.call('POST', '/v1/segments', { id: 'paged', name: 'Paged list', kind: 'manual' });
    expect((await s.h.call('POST', '/v1/segments/paged/members', { add: members })).status).toBe(200);
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}#/segments/paged`);
    await hasText(page, T('segment-members'), 'page-24');
    expect(await page.locator(T('member-page-25')).count()).toBe(0);
    await page.click(T('members-next'));
    await hasText(page, T('segment-members'), 'page-29');
    expect(await page.locator(T('member-page-00')).count()).toBe(0);
    await page.click(T('members-previous'));
    await hasText(page, T('segment-members'), 'page-00');

    await page.click(T('segment-delete'));
    await page.click(T('segment-delete-confirm'));
    await page.waitForURL(/#\/segments$/);
    await hasText(page, '.toast', 'deleted');
    expect(await page.locator(T('segment-row-paged')).count()).toBe(0);
    expect((await s.h.call('GET', '/v1/segments/paged')).status).toBe(404);
    await page.context().close();
  });

  it('imports a manual list from CSV: column mapping, preview, bad rows by line, good rows kept', async () => {
    const page = await s.signedIn('marketer');
    await page.click(T('nav-segments'));
    await page.click(T('segment-new'));
    await page.fill(T('segment-name'), 'Fair visitors');
    await page.selectOption(T('segment-kind'), 'manual');
    expect(await page.locator(T('rule-builder')).count()).toBe(0);
    await page.click(T('segment-save'));
    await page.waitForURL(/#\/segments\/fair-visitors$/);

    const csv = ['email,"customer id",city', 'a@x.io,csv-1,Oslo', 'b@x.io,,Rome', 'c@x.io,csv-2,Lima', ''];
    await page.setInputFiles(T('csv-file'), {
      name: 'fair.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv.join('\n')),
    });
    await page.selectOption(T('csv-column'), 'customer id');
    await page.click(T('csv-preview'));
    await hasText(page, T('csv-summary'), '2 good rows, 1 bad rows. Nothing imported yet.');
    await hasText(page, T('csv-preview-rows'), 'csv-2');
    await hasText(page, T('csv-errors'), 'line 3');
    expect((await s.h.call('GET', '/v1/segments/fair-visitors/members')).body.members).toEqual([]);

    await page.click(T('csv-import-run'));
    await hasText(page, T('csv-summary'), 'Imported: 2 added, 0 already members, 1 bad rows skipped.');
    await hasText(page, T('segment-members'), 'csv-2');
    const { members } = (await s.h.call('GET', '/v1/segments/fair-visitors/members')).body;
    expect(members.map((m: { customerId: string }) => m.customerId)).toEqual(['csv-1', 'csv-2']);
    const { changes } = (await s.h.call('GET', '/v1/customers/csv-2/segments')).body;
    expect(changes).toEqual([
      expect.objectContaining({ segmentId: 'fair-visitors', reason: 'imported from CSV fair.csv, line 4' }),
    ]);
    await page.context().close();
  });

  it('offers every rule kind, each with its own fields, and saves them as the API expects', async () => {
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}#/segments/new`);
    await page.fill(T('segment-name'), 'Every kind');
    await page.selectOption(T('rule-op-rules'), 'any');
    for (let i = 1; i < 11; i++) await page.click(T('rule-add-rules'));
    const leaf = (i: number) => `rules.any[${i}]`;
    const kind = (i: number, value: string) => page.selectOption(T(`rule-kind-${leaf(i)}`), value);
    const fill = (i: number, field: string, value: string) =>
      page.fill(rule(leaf(i), T(`field-${field}`)), value);
    await fill(0, 'trait', 'plan');
    await fill(0, 'value', 'pro');
    await kind(1, 'attributeDate');
    await fill(1, 'trait', 'signed_up_at');
    await fill(1, 'days', '14');
    await kind(2, 'anniversary');
    await fill(2, 'trait', 'birthday');
    await fill(2, 'withinNextDays', '7');
    await kind(3, 'performed');
    await fill(3, 'event', 'purchased');
    await page.click(rule(leaf(3), T('add-count')));
    await fill(3, 'count.n', '3');
    await fill(3, 'withinDays', '90');
    await kind(4, 'notPerformed');
    await fill(4, 'event', 'opened');
    await fill(4, 'withinDays', '30');
    await kind(5, 'performedAt');
    await fill(5, 'event', 'purchased');
    await fill(5, 'daysAgo', '365');
    await kind(6, 'aggregate');
    await fill(6, 'event', 'purchased');
    await fill(6, 'property', 'amount');
    await page.selectOption(rule(leaf(6), T('field-op')), { label: 'Is greater than' });
    await fill(6, 'value', '500');
    await kind(7, 'subscribed');
    await fill(7, 'topic', 'newsletter');
    await kind(8, 'reachable');
    await kind(9, 'inSegment');
    await fill(9, 'segment', 'fair-visitors');
    await kind(10, 'bucket');
    await fill(10, 'to', '9');
    await page.locator(T('segment-estimate')).waitFor();
    await page.click(T('segment-save'));
    await page.waitForURL(/#\/segments\/every-kind$/);
    const saved = (await s.h.call('GET', '/v1/segments/every-kind')).body;
    expect(saved.rules).toEqual({
      any: [
        { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
        { kind: 'attributeDate', trait: 'signed_up_at', relation: 'moreThanDaysAgo', days: 14 },
        { kind: 'anniversary', trait: 'birthday', withinNextDays: 7 },
        { kind: 'performed', event: 'purchased', count: { op: 'atLeast', n: 3 }, withinDays: 90 },
        { kind: 'notPerformed', event: 'opened', withinDays: 30 },
        { kind: 'performedAt', event: 'purchased', which: 'first', op: 'before', daysAgo: 365 },
        { kind: 'aggregate', event: 'purchased', fn: 'sum', property: 'amount', op: 'gt', value: 500 },
        { kind: 'subscribed', topic: 'newsletter' },
        { kind: 'reachable', channel: 'email' },
        { kind: 'inSegment', segment: 'fair-visitors' },
        { kind: 'bucket', from: 0, to: 9 },
      ],
    });
    await page.context().close();
  });

  it('support reads segments but cannot change them', async () => {
    const page = await s.signedIn('support');
    await page.click(T('nav-segments'));
    await hasText(page, T('segments'), 'Pro outside Rome');
    expect(await page.locator(T('segment-new')).count()).toBe(0);
    await page.click('text=Pro outside Rome');
    await page.locator(T('rule-builder')).waitFor();
    expect(await page.locator(T('segment-save')).count()).toBe(0);
    expect(await page.locator(rule('rules.all[0]', T('field-trait'))).getAttribute('readonly')).toBe('');
    await page.context().close();
  });
});
