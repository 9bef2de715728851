import { LEAF_RULES, type LeafKind, segmentRuleProblem } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { firstRowCells } from '../src/segments/CsvImport.tsx';
import { invalidFieldOf, leafFormSchema, newLeaf, RULE_KINDS } from '../src/segments/rule-schemas.ts';

describe('the segment rule builder', () => {
  it('offers every leaf kind the API knows, each form without its kind and with name pickers', () => {
    expect(Object.keys(RULE_KINDS).sort()).toEqual(Object.keys(LEAF_RULES).sort());
    for (const kind of Object.keys(LEAF_RULES) as LeafKind[]) {
      const schema = leafFormSchema(kind);
      expect(schema.properties?.kind).toBeUndefined();
      expect(schema.required).not.toContain('kind');
      expect(newLeaf(kind)).toMatchObject({ kind });
    }
    expect(leafFormSchema('performed').properties?.event['x-widget']).toBe('event-name');
    expect(leafFormSchema('attribute').properties?.trait['x-widget']).toBe('profile-attribute');
    expect(leafFormSchema('inSegment').properties?.segment['x-widget']).toBe('segment');
    // The shared schemas themselves are left as they were.
    expect((LEAF_RULES.performed.properties.event as Record<string, unknown>)['x-widget']).toBeUndefined();
  });

  it("maps the API's rule path onto the field of the leaf it names", () => {
    const problem = segmentRuleProblem({
      all: [
        newLeaf('bucket'),
        { not: { ...newLeaf('performed'), event: 'x', count: { op: 'atLeast', n: -1 } } },
      ],
    });
    expect(problem?.path).toBe('rules.all[1].not.count.n');
    expect(invalidFieldOf(problem?.path, 'rules.all[1].not')).toBe('count.n');
    expect(invalidFieldOf(problem?.path, 'rules.all[1]')).toBe('not.count.n');
    expect(invalidFieldOf(problem?.path, 'rules.all[0]')).toBeNull();
    expect(invalidFieldOf('rules.any[0].where[2].value', 'rules.any[0]')).toBe('where.2.value');
    expect(invalidFieldOf(undefined, 'rules')).toBeNull();
  });

  it("reads a CSV's first row into columns, quoted cells included", () => {
    expect(firstRowCells('email, "customer id" ,"a, ""b"""\r\nx,y,z')).toEqual([
      'email',
      'customer id',
      'a, "b"',
    ]);
    expect(firstRowCells('only')).toEqual(['only']);
    expect(firstRowCells('')).toEqual(['']);
  });
});
