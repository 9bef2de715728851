/**
 * A reversible encoding that lets any JSON a customer's tools send be stored in MongoDB (and FerretDB):
 * - keys: `%`, `$`, `.` and NUL become `%25`, `%24`, `%2E`, `%00`; the empty key becomes `%`;
 * - an array directly inside an array becomes `{ "%array": [...] }`;
 * - a number a double cannot hold (`1e400`, `12345678901234567890`) is a {@link RawNumber},
 *   stored as `{ "%number": "1e400" }`;
 * - a string holding NUL (which PostgreSQL's jsonb cannot) is stored as its parts: `{ "%nul": ["a", "b"] }`.
 * Encoded keys only ever hold `%` followed by two upper-case hex digits, so the markers cannot collide.
 */

const ARRAY = '%array';
const NEEDS_ESCAPE = /[%$.\0]/;
const NUMBER = '%number';
const NUL_SPLIT = '%nul';
/** UTF-16 a store's UTF-8 cannot hold: a surrogate half without its partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JSON number kept as its text because a double would change it; JSON output writes it as text. */
export class RawNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
  valueOf(): number {
    return Number(this.text);
  }
}

export class UnstorableValueError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Like `target[key] = value`, but a key `__proto__` stays an ordinary property, as JSON.parse makes it. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key !== '__proto__') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function encodeKey(key: string): string {
  if (key === '') return '%';
  if (!NEEDS_ESCAPE.test(key)) return key;
  return key.replace(/[%$.\0]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

export function decodeKey(key: string): string {
  if (key === '%') return '';
  if (!key.includes('%')) return key;
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Encodes a dotted path (`address.city`, `$browser`) segment by segment, for a store query or update. */
export function encodePath(path: string): string {
  return path.split('.').map(encodeKey).join('.');
}

export interface EncodeOptions {
  /** Objects and arrays nested deeper than this are refused (the value itself is depth 0). */
  maxDepth?: number;
}

/** Encodes a JSON value for storage; throws {@link UnstorableValueError} naming the path of what cannot be. */
export function encodeStored(value: unknown, path: string, options: EncodeOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? 64;
  // The path is kept as segments and joined only for an error: most values are fine.
  const segments: (string | number)[] = [path];
  const refuse = (reason: string) => new UnstorableValueError(segments.join('.'), reason);
  const encode = (v: unknown, inArray: boolean): unknown => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) throw refuse('is not valid Unicode (lone surrogate)');
      return v.includes('\0') ? { [NUL_SPLIT]: v.split('\0') } : v;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw refuse('is not a finite number');
      return v;
    }
    if (v instanceof RawNumber) return { [NUMBER]: v.text };
    if (typeof v !== 'object') throw refuse(`is not JSON (${typeof v})`);
    if (segments.length > maxDepth) throw refuse(`is nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      const items = v.map((item, i) => {
        segments.push(i);
        const encoded = encode(item, true);
        segments.pop();
        return encoded;
      });
      return inArray ? { [ARRAY]: items } : items;
    }
    const out: Record<string, unknown> = {};
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      if (LONE_SURROGATE.test(key)) throw refuse('has a key that is not valid Unicode');
      segments.push(key);
      setOwn(out, encodeKey(key), encode((v as Record<string, unknown>)[key], false));
      segments.pop();
    }
    return out;
  };
  return encode(value, false);
}

/** The inverse of {@link encodeStored}. */
export function decodeStored(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeStored);
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[key, inner]] = entries;
    if (key === ARRAY && Array.isArray(inner)) return inner.map(decodeStored);
    if (key === NUMBER && typeof inner === 'string') return new RawNumber(inner);
    if (key === NUL_SPLIT && Array.isArray(inner) && inner.every((part) => typeof part === 'string'))
      return inner.join('\0');
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of entries) setOwn(out, decodeKey(key), decodeStored(inner));
  return out;
}

/** Decodes a stored object (properties, traits); anything else becomes `{}`. */
export function decodeRecord(value: unknown): Record<string, unknown> {
  const decoded = decodeStored(value ?? {});
  return decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded)
    ? (decoded as Record<string, unknown>)
    : {};
}
