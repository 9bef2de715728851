import { createHash } from 'node:crypto';
import { type MemberDoc, memberId } from '@itinera/nodes/segments';
import { COLLECTIONS, type SegmentImportInput, type SegmentImportResult } from '@itinera/schemas';
import { parse } from 'csv-parse/sync';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import { newCustomers } from './new-customers.ts';
import type { SegmentService } from './segments.ts';

const MAX_ID_LENGTH = 200;
const PREVIEW_ROWS = 20;
const MAX_ERRORS = 1000;
/** Rows checked against the store with one query. */
const CHECK_BATCH = 1000;
/** Customers entered at once: each entry is a few writes and an ingested event. */
const ENTER_BATCH = 20;

interface ParsedMembers {
  rows: { line: number; customerId: string }[];
  errors: { line: number; message: string }[];
}

/** Reads the customer ids out of a CSV: bad rows are reported by line and left out; good rows are all kept. */
export function parseMemberCsv(csv: string, column: string, header = true): ParsedMembers {
  const errors: ParsedMembers['errors'] = [];
  const records = parse(csv, {
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) errors.push({ line: Number(error.lines), message: error.message });
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  let index = Number(column) - 1;
  if (header) {
    const names = (records.shift()?.record ?? []).map((name) => name.trim());
    index = names.indexOf(column.trim());
    if (index < 0)
      throw new HttpError(
        400,
        `The header has no column "${column}" (it has: ${names.join(', ')})`,
        'customerIdColumn',
      );
  } else if (!Number.isInteger(index) || index < 0) {
    throw new HttpError(
      400,
      'Without a header, customerIdColumn is a 1-based column number',
      'customerIdColumn',
    );
  }
  const seen = new Set<string>();
  const rows: ParsedMembers['rows'] = [];
  for (const { record, info } of records) {
    const customerId = record[index]?.trim() ?? '';
    if (!customerId) errors.push({ line: info.lines, message: `no customer id in column "${column}"` });
    else if (customerId.length > MAX_ID_LENGTH)
      errors.push({ line: info.lines, message: `customer id longer than ${MAX_ID_LENGTH} characters` });
    else if (!seen.has(customerId)) {
      seen.add(customerId);
      rows.push({ line: info.lines, customerId });
    }
  }
  return { rows, errors: errors.sort((a, b) => a.line - b.line) };
}

/** Identifies one file's import: the same content gets the same id, so a retry finishes its own work. */
export const importIdOf = (csv: string) => createHash('sha256').update(csv).digest('hex').slice(0, 12);

/**
 * The batch's customers already in the segment for good: by another cause, or by this import with its
 * `segment_entered` event stored (the event's id is the entry's change id). A member this import left
 * half done is not settled, so entering again finishes its record and event.
 */
async function settledMembers(db: Db, segmentId: string, batch: { customerId: string }[], cause: string) {
  const ids = batch.map(({ customerId }) => memberId(segmentId, customerId));
  const found = await db
    .collection<MemberDoc>(COLLECTIONS.segmentMembers)
    .find({ _id: { $in: ids } }, { projection: { customerId: 1, cause: 1, enteredAt: 1 } })
    .toArray();
  const entryId = (m: MemberDoc) => `${m._id}:entered:${m.enteredAt}`;
  const entryIds = found.filter((m) => m.cause === cause).map(entryId);
  const emitted = new Set(
    entryIds.length
      ? (
          await db
            .collection<{ _id: string }>(COLLECTIONS.events)
            .find({ _id: { $in: entryIds } }, { projection: { _id: 1 } })
            .toArray()
        ).map((e) => e._id)
      : [],
  );
  return new Set(found.filter((m) => m.cause !== cause || emitted.has(entryId(m))).map((m) => m.customerId));
}

/**
 * Adds the CSV's customers to a manual segment through the rule segments' membership path: each new
 * member gets one `entered` change (reason naming the file and line) and one `segment_entered` event.
 * A repeated upload of the same file adds nothing; a retry after a crash finishes what was half done.
 */
export async function importSegmentMembers(
  db: Db,
  segments: SegmentService,
  segmentId: string,
  input: SegmentImportInput,
): Promise<SegmentImportResult> {
  const definition = await segments.definition(segmentId);
  if (definition.kind !== 'manual')
    throw new HttpError(409, `Segment "${segmentId}" is computed from rules; import into a manual one`, 'id');
  const { rows, errors } = parseMemberCsv(input.csv, input.customerIdColumn, input.header ?? true);
  const importId = importIdOf(input.csv);
  const result: SegmentImportResult = {
    dryRun: input.dryRun ?? false,
    importId,
    valid: rows.length,
    added: 0,
    alreadyMembers: 0,
    preview: rows.slice(0, PREVIEW_ROWS),
    errors: errors.slice(0, MAX_ERRORS),
  };
  if (result.dryRun) return result;
  const cause = `csv:${importId}`;
  const ensureCustomers = newCustomers(db);
  const source = input.fileName ?? importId;
  for (let from = 0; from < rows.length; from += CHECK_BATCH) {
    const batch = rows.slice(from, from + CHECK_BATCH);
    const settled = await settledMembers(db, segmentId, batch, cause);
    const pending = batch.filter(({ customerId }) => !settled.has(customerId));
    // Rows may name new customers; their segment events are only stored when nothing listens.
    await ensureCustomers(
      pending.map((row) => row.customerId),
      new Date().toISOString(),
    );
    for (let at = 0; at < pending.length; at += ENTER_BATCH) {
      const entered = await Promise.all(
        pending.slice(at, at + ENTER_BATCH).map(({ line, customerId }) => {
          const reason = `imported from CSV ${source}, line ${line}`;
          return segments.membership.enter(definition, customerId, reason, cause);
        }),
      );
      result.added += entered.filter(Boolean).length;
    }
  }
  result.alreadyMembers = rows.length - result.added;
  return result;
}
