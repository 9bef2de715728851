import { analysePromoPattern, COLLECTIONS, type PromoPoolDoc } from '@itinera/schemas';
import { type Db, MongoBulkWriteError, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';

const MIN_COMBINATIONS = 1e6;
export const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const POOL_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const INSERT_CHUNK = 1_000;
const HEADER_NAMES = new Set([
  'code',
  'codes',
  'promo_code',
  'promocode',
  'coupon',
  'coupon_code',
  'voucher',
]);

export interface PromoPoolInput {
  id: string;
  name: string;
  kind: 'list' | 'pattern';
  pattern?: string;
}

type PoolDoc = PromoPoolDoc;

export interface PromoPoolView {
  id: string;
  name: string;
  kind: 'list' | 'pattern';
  pattern?: string;
  createdAt: string;
  /** List pools: uploaded codes. Pattern pools: null (the pattern's combinations are in `combinations`). */
  total: number | null;
  combinations?: number;
  /** Codes handed to customers. */
  assigned: number;
  /** Codes still available (uploaded minus claimed); null for pattern pools. */
  remaining: number | null;
  exhaustedAt: string | null;
}

/** Checks a generator pattern: literal code characters plus `{X:n}` placeholders, ≥ 1e6 combinations. */
export function checkPattern(pattern: string): { combinations: number } {
  const { literal, randomChars, combinations } = analysePromoPattern(pattern);
  if (!/^[A-Za-z0-9_-]*$/.test(literal)) {
    throw new HttpError(
      400,
      'Pattern may contain letters, digits, "-", "_" and {X:n} placeholders only',
      'pattern',
    );
  }
  const length = literal.length + randomChars;
  if (length > 64)
    throw new HttpError(
      400,
      `Codes from this pattern would be ${length} characters long (max 64)`,
      'pattern',
    );
  if (combinations < MIN_COMBINATIONS) {
    throw new HttpError(
      400,
      `Pattern gives ${combinations} combinations; at least 1,000,000 are needed (use {X:4} or more random characters)`,
      'pattern',
    );
  }
  return { combinations };
}

/** CSV: one code per line or in the first column; optional header; trims; skips blank lines. */
export function parseCsvCodes(text: string): { code: string; line: number }[] {
  const rows: { code: string; line: number }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const first = (raw.split(/[,;\t]/)[0] ?? '')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (first) rows.push({ code: first, line: index + 1 });
  });
  // A header is a known column name, or words with spaces ("Discount Code"); anything else is a code.
  const head = rows[0]?.code;
  if (
    head &&
    (HEADER_NAMES.has(head.toLowerCase().replace(/[\s-]+/g, '_')) || /^[A-Za-z]+( [A-Za-z]+)+$/.test(head))
  )
    rows.shift();
  return rows;
}

const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === 11000;

export function promoCodeService(db: Db) {
  const pools = db.collection<PoolDoc>(COLLECTIONS.promoPools);
  const codes = db.collection<{ _id: string; poolId: string; code: string; addedAt: string }>(
    COLLECTIONS.promoCodes,
  );
  const assignments = db.collection<{ _id: string; poolId: string; kind: string }>(
    COLLECTIONS.promoAssignments,
  );

  const load = async (id: string): Promise<PoolDoc> => {
    const doc = await pools.findOne({ _id: id });
    if (!doc) throw new HttpError(404, `Promo pool "${id}" does not exist`, 'id');
    return doc;
  };

  /** Per pool: uploaded codes, claims and assignments. Admin path: each is one scan, grouped in the store. */
  const counts = async (poolId?: string) => {
    const match = poolId ? { poolId } : {};
    const [codeCounts, assignmentCounts] = await Promise.all([
      codes
        .aggregate<{ _id: string; n: number }>([
          { $match: match },
          { $group: { _id: '$poolId', n: { $sum: 1 } } },
        ])
        .toArray(),
      assignments
        .aggregate<{ _id: { poolId: string; kind: string }; n: number }>([
          { $match: match },
          { $group: { _id: { poolId: '$poolId', kind: '$kind' }, n: { $sum: 1 } } },
        ])
        .toArray(),
    ]);
    const result = new Map<string, { codes: number; claims: number; assigned: number }>();
    const entry = (id: string) => {
      const found = result.get(id);
      if (found) return found;
      const created = { codes: 0, claims: 0, assigned: 0 };
      result.set(id, created);
      return created;
    };
    for (const c of codeCounts) entry(c._id).codes = c.n;
    for (const a of assignmentCounts) {
      if (a._id.kind === 'claim') entry(a._id.poolId).claims = a.n;
      else if (a._id.kind === 'assignment') entry(a._id.poolId).assigned = a.n;
    }
    return result;
  };

  const view = (doc: PoolDoc, c = { codes: 0, claims: 0, assigned: 0 }): PromoPoolView => {
    const base = { id: doc._id, name: doc.name, kind: doc.kind, createdAt: doc.createdAt };
    if (doc.kind === 'pattern') {
      const { combinations } = checkPattern(doc.pattern ?? '');
      return {
        ...base,
        pattern: doc.pattern,
        total: null,
        combinations,
        assigned: c.assigned,
        remaining: null,
        exhaustedAt: doc.exhaustedAt,
      };
    }
    return {
      ...base,
      total: c.codes,
      assigned: c.assigned,
      remaining: Math.max(0, c.codes - c.claims),
      exhaustedAt: doc.exhaustedAt,
    };
  };

  return {
    async create(input: PromoPoolInput): Promise<PromoPoolView> {
      if (input.kind === 'pattern') {
        if (!input.pattern)
          throw new HttpError(400, 'A pattern pool needs a pattern, e.g. WELCOME-{X:6}', 'pattern');
        checkPattern(input.pattern);
      } else if (input.pattern !== undefined) {
        throw new HttpError(
          400,
          'Only pattern pools take a pattern; list pools get codes uploaded',
          'pattern',
        );
      }
      const doc: PoolDoc = {
        _id: input.id,
        name: input.name,
        kind: input.kind,
        ...(input.kind === 'pattern' ? { pattern: input.pattern } : {}),
        createdAt: new Date().toISOString(),
        exhaustedAt: null,
      };
      try {
        await pools.insertOne(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new HttpError(409, `Promo pool "${input.id}" already exists`, 'id');
        throw err;
      }
      return view(doc);
    },

    async list(): Promise<PromoPoolView[]> {
      const [docs, all] = await Promise.all([
        pools.find().sort({ createdAt: -1 }).limit(500).toArray(),
        counts(),
      ]);
      return docs.map((d) => view(d, all.get(d._id)));
    },

    async get(id: string): Promise<PromoPoolView> {
      const doc = await load(id);
      return view(doc, (await counts(id)).get(id));
    },

    /** Adds codes to a list pool, one document per code; codes already in the pool count as duplicates. */
    async addCodes(
      id: string,
      input: { code: string; line?: number }[],
    ): Promise<{ added: number; duplicates: number }> {
      const pool = await load(id);
      if (pool.kind !== 'list')
        throw new HttpError(409, `Promo pool "${id}" generates its codes from a pattern`, 'kind');
      if (input.length === 0) throw new HttpError(400, 'No codes given', 'codes');
      input.forEach(({ code, line }, i) => {
        if (!CODE_PATTERN.test(code)) {
          const where = line ? ` (line ${line})` : '';
          throw new HttpError(
            400,
            `Code "${code.slice(0, 80)}"${where} must be 1–64 letters, digits, "-" or "_"`,
            `codes.${i}`,
          );
        }
      });
      const unique = [...new Set(input.map((c) => c.code))];
      let duplicates = input.length - unique.length;
      let added = 0;
      const addedAt = new Date().toISOString();
      for (let i = 0; i < unique.length; i += INSERT_CHUNK) {
        const chunk = unique
          .slice(i, i + INSERT_CHUNK)
          .map((code) => ({ _id: `${id}:${code}`, poolId: id, code, addedAt }));
        try {
          added += (await codes.insertMany(chunk, { ordered: false })).insertedCount;
        } catch (err) {
          if (!(err instanceof MongoBulkWriteError)) throw err;
          const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
          if (errors.some((e) => e.code !== 11000)) throw err;
          added += chunk.length - errors.length;
          duplicates += errors.length;
        }
      }
      if (added > 0 && pool.exhaustedAt) await pools.updateOne({ _id: id }, { $set: { exhaustedAt: null } });
      return { added, duplicates };
    },
  };
}
