import type { CanvasNote } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('sticky notes on the canvas', () => {
  const s = sharedEditorSession();

  it('creates, edits, moves and deletes a note; it survives reload, shows read-only on versions, never runs', async () => {
    const start = graph(
      [
        { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
        { id: 'exit_1', type: 'exit', config: {} },
      ],
      ['trigger_1->exit_1'],
    );
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Notes', graph: start })).body.id as string;
    const page = await s.signedIn();
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-trigger_1')).waitFor();
    const notes = async (): Promise<CanvasNote[]> =>
      (await s.h.call('GET', `/v1/journeys/${id}`)).body.notes ?? [];

    await page.click(T('add-note'));
    await page.click(T('note-text-note_1'));
    await page.keyboard.type('Ask legal about the discount wording');
    await hasText(page, T('save-state'), 'All changes saved');
    let saved: CanvasNote | undefined;
    await eventually(async () => {
      saved = (await notes()).find((n) => n.text === 'Ask legal about the discount wording');
      return saved !== undefined;
    });
    // A note is not a step: the journey is still valid.
    await page.locator(T('problems-ok')).waitFor();

    // Moved by dragging its frame.
    const head = await page.locator(`${T('note-note_1')} .canvas-note-head`).boundingBox();
    if (!head || !saved) throw new Error('note not on screen');
    await page.mouse.move(head.x + 30, head.y + head.height / 2);
    await page.mouse.down();
    await page.mouse.move(head.x + 30 - 150, head.y + head.height / 2 + 60, { steps: 10 });
    await page.mouse.up();
    const before = saved.position;
    await eventually(async () => {
      const moved = (await notes())[0];
      return moved !== undefined && moved.position.x < before.x - 50 && moved.position.y > before.y + 20;
    });

    await page.reload();
    await page.locator(T('note-note_1')).waitFor();
    expect(await page.inputValue(T('note-text-note_1'))).toBe('Ask legal about the discount wording');

    // Published: the version keeps the note for reading; the graph that runs has only the steps.
    const published = await s.h.call('POST', `/v1/journeys/${id}/publish`, { note: 'with a note' });
    expect(published.status).toBe(201);
    const version = (await s.h.call('GET', `/v1/journeys/${id}/versions/1`)).body;
    expect(version.notes).toEqual([expect.objectContaining({ id: 'note_1' })]);
    expect(version.graph.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['exit_1', 'trigger_1']);
    expect(JSON.stringify(version.graph)).not.toContain('discount wording');
    await page.goto(`${s.url}/#/journeys/${id}/versions/1`);
    await hasText(page, T('note-note_1'), 'Ask legal about the discount wording');
    expect(await page.locator(`${T('note-note_1')} textarea`).count()).toBe(0);
    expect(await page.locator(T('note-delete-note_1')).count()).toBe(0);

    // Deleted from the draft.
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('note-note_1')).waitFor();
    await page.click(T('note-delete-note_1'));
    await page.locator(T('note-note_1')).waitFor({ state: 'detached' });
    await eventually(async () => (await notes()).length === 0);
    expect(s.consoleErrors).toEqual([]);
  });

  it('refuses a malformed note with a 400 naming the field', async () => {
    const start = graph([{ id: 'trigger_1', type: 'trigger', config: { kind: 'api', reentry: 'once' } }], []);
    const created = await s.h.call('POST', '/v1/journeys', { name: 'Bad note', graph: start });
    const bad = await s.h.call('PUT', `/v1/journeys/${created.body.id}`, {
      notes: [{ id: 'a.b', text: 'x', position: { x: 0, y: 0 } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field ?? bad.body.message).toContain('notes');
  });
});
