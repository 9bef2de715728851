import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

/** New enrollments answer conditions, triggers and waits with the shared semantics (nodes/test/filters.test.ts). */
describe('one filter semantics inside journeys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a condition and a trigger filter give the answers the store would', async () => {
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: {
              kind: 'event',
              event: 'visited',
              reentry: 'concurrent',
              where: [{ path: 'tags', op: 'contains', value: 'sal' }],
            },
          },
          {
            id: 'check',
            type: 'condition',
            // The old in-memory rule compared text: "30" never equalled "30.0". Both are the number 30 now.
            config: {
              combinator: 'and',
              rules: [{ kind: 'attribute', path: 'age', op: 'eq', value: '30.0' }],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->check', 'check:yes->end', 'check:no->end'],
      ),
    );
    await h.identify('fs1', { age: 30 });
    // An array element containing the text matches, as in a store query; none containing it does not.
    await h.track('fs1', 'visited', { tags: ['summer-sale', 'new'] });
    await h.track('fs1', 'visited', { tags: ['new'] });
    const steps = await h.stepsWhenEnded('fs1', 'check');
    expect(steps.map((step) => step.outcome)).toEqual(['yes']);
  });
});
