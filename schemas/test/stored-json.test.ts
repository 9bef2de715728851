import { describe, expect, it } from 'vitest';
import { predicateHolds } from '../src/filters.ts';
import {
  decodeKey,
  decodeStored,
  encodeKey,
  encodePath,
  encodeStored,
  RawNumber,
  UnstorableValueError,
} from '../src/stored-json.ts';

/** Every key of an encoded value, at any depth. */
function keysOf(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(keysOf);
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

describe('stored JSON codec', () => {
  const awkward = {
    $browser: 'Chrome',
    'utm.source': 'newsletter',
    context: { $os: { name: 'iOS' }, 'a.b.c': 1 },
    $set: { plan: 'pro' },
    '%24already': 'looks encoded',
    '%array': ['not a marker'],
    '': 'empty key',
    'nul\0key': true,
    nulValue: ['a\0b', '\0'],
    ключ: 'значение 😀',
    matrix: [
      [1, 2],
      [3, [4, [5]]],
    ],
    list: [{ $x: [[]] }],
    big: new RawNumber('1e400'),
    huge: new RawNumber('12345678901234567890'),
  };

  it('round-trips awkward keys, nested arrays and raw numbers', () => {
    const source = JSON.parse(JSON.stringify(awkward).replace('{', '{"__proto__":"kept as a key",'));
    source.big = new RawNumber('1e400');
    source.huge = new RawNumber('12345678901234567890');
    const encoded = encodeStored(source, 'properties');
    for (const key of keysOf(encoded)) {
      expect(key).not.toMatch(/^\$|\.|\0/);
    }
    expect(decodeStored(JSON.parse(JSON.stringify(encoded)))).toEqual(source);
    expect(Object.keys(decodeStored(encoded) as object)).toContain('__proto__');
  });

  it('escapes keys reversibly and encodes paths per segment', () => {
    for (const key of ['$a', 'a.b', '%', '%25', '', 'plain', '%2E.$'])
      expect(decodeKey(encodeKey(key))).toBe(key);
    expect(encodePath('context.$os.name')).toBe('context.%24os.name');
  });

  it('refuses what cannot be stored, naming the path', () => {
    const refuse = (value: unknown, options = {}) => {
      try {
        encodeStored(value, 'properties', options);
      } catch (error) {
        return error instanceof UnstorableValueError ? error.path : 'other error';
      }
      return 'stored';
    };
    expect(refuse({ a: [1, Number.POSITIVE_INFINITY] })).toBe('properties.a.1');
    expect(refuse({ bad: 'x\uD800y' })).toBe('properties.bad');
    expect(refuse({ a: { b: { c: {} } } }, { maxDepth: 3 })).toBe('properties.a.b.c');
    expect(refuse({ a: { b: { c: 1 } } }, { maxDepth: 3 })).toBe('stored');
  });

  it('lets filters read keys with "$" and dots, and compare raw numbers', () => {
    const props = decodeStored(encodeStored(awkward, 'p'));
    expect(predicateHolds(props, { path: '$browser', op: 'eq', value: 'Chrome' })).toBe(true);
    expect(predicateHolds(props, { path: 'utm.source', op: 'eq', value: 'newsletter' })).toBe(true);
    expect(predicateHolds(props, { path: 'context.$os.name', op: 'eq', value: 'iOS' })).toBe(true);
    expect(predicateHolds(props, { path: 'context.a.b.c', op: 'eq', value: 1 })).toBe(true);
    expect(predicateHolds(props, { path: 'huge', op: 'gt', value: 1e18 })).toBe(true);
  });
});
