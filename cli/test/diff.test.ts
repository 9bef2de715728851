import { DOCUMENT_KIND, type JourneyDocument } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { documentChanges, formatChanges } from '../src/diff.ts';

const live: JourneyDocument = {
  kind: DOCUMENT_KIND,
  journey: {
    id: 'j1',
    name: 'Welcome',
    settings: { defaultTimezone: 'UTC', maxLoopIterations: 100, priority: 5 },
    nodes: [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up' } },
      { id: 'mail', type: 'send', label: 'Hello', config: { channel: 'email', subject: 'Hi', body: 'x' } },
      { id: 'end', type: 'exit', config: {} },
    ],
    edges: [
      { id: 'e0', source: 'start', sourcePort: 'next', target: 'mail' },
      { id: 'e1', source: 'mail', sourcePort: 'next', target: 'end' },
    ],
  },
  templates: [{ id: 'old', name: 'Old', channel: 'sms', body: 'old' }],
  promoPools: [{ id: 'spring', name: 'Spring', kind: 'list' }],
  segments: [
    { id: 'vips', name: 'VIPs', kind: 'manual' },
    {
      id: 'big-spenders',
      name: 'Big spenders',
      kind: 'rules',
      rules: { all: [{ kind: 'attribute', trait: 'spent', op: 'gte', value: 100 }] },
    },
  ],
};

describe('node-level diff of journey documents', () => {
  it('is empty for the same content, whatever the key order, edge ids and layout', () => {
    const reordered = structuredClone(live);
    reordered.journey.nodes.reverse();
    reordered.journey.edges = reordered.journey.edges.map((e, i) => ({ ...e, id: `other${i}` }));
    reordered.layout = { start: { x: 1, y: 2 } };
    expect(documentChanges(live, reordered)).toEqual([]);
  });

  it('names renamed journeys, changed settings, labels and config values, removed nodes, templates, pools and segments', () => {
    const file = structuredClone(live);
    file.journey.name = 'Welcome v2';
    file.journey.settings = { ...file.journey.settings, priority: 8 };
    file.journey.nodes = file.journey.nodes.filter((n) => n.id !== 'end');
    const mail = file.journey.nodes.find((n) => n.id === 'mail')!;
    mail.label = undefined;
    mail.config = { ...mail.config, subject: 'Hello there', fallbackChannels: ['sms'] };
    file.journey.edges = file.journey.edges.filter((e) => e.target !== 'end');
    file.templates = [{ id: 'new', name: 'New', channel: 'push', subject: 'N', body: 'n' }];
    file.promoPools = [{ id: 'spring', name: 'Spring sale', kind: 'list' }];
    file.segments = [
      {
        ...live.segments![1],
        rules: { any: [{ kind: 'attribute', trait: 'spent', op: 'gte', value: 100 }] },
      },
      { id: 'trial', name: 'On trial', kind: 'manual', description: 'new' },
    ];
    expect(formatChanges(documentChanges(live, file)).split('\n')).toEqual([
      '~ name: "Welcome" → "Welcome v2"',
      '~ settings.priority: 5 → 8',
      '~ node mail: config.fallbackChannels: (none) → ["sms"]',
      '~ node mail: config.subject: "Hi" → "Hello there"',
      '~ node mail: label: "Hello" → (none)',
      '- node end (exit)',
      '- edge mail:next → end',
      '+ template new (push)',
      '- template old (sms)',
      '~ promo pool spring: name: "Spring" → "Spring sale"',
      '~ segment big-spenders: rules.all: [{"kind":"attribute","trait":"spent","op":"gte","value":100}] → (none)',
      '~ segment big-spenders: rules.any: (none) → [{"kind":"attribute","trait":"spent","op":"gte","value":100}]',
      '+ segment trial (manual)',
      '- segment vips (manual)',
    ]);
  });
});
