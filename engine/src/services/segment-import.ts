import { createHash } from 'node:crypto';
import { type MemberDoc, memberId } from '@itinera/nodes/segments';
import { COLLECTIONS, type SegmentImportInput, type SegmentImportResult } from '@itinera/schemas';
import { parse } from 'csv-parse/sync';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { SegmentService } from './segments.ts';

const MAX_ID_LENGTH = 200;
const PREVIEW_ROWS = 20;
const MAX_ERRORS = 1000;
/** Customers entered at once: each entry is a few writes and an ingested event. */
const WRITE_BATCH = 20;

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
  const members = db.collection<MemberDoc>(COLLECTIONS.segmentMembers);
  const cause = `csv:${importId}`;
  const source = input.fileName ?? importId;
  for (let from = 0; from < rows.length; from += WRITE_BATCH) {
    const batch = rows.slice(from, from + WRITE_BATCH);
    const ids = batch.map(({ customerId }) => memberId(segmentId, customerId));
    const causes = new Map(
      (await members.find({ _id: { $in: ids } }, { projection: { cause: 1 } }).toArray()).map((m) => [
        m._id,
        m.cause,
      ]),
    );
    const entered = await Promise.all(
      batch.map(async ({ line, customerId }) => {
        const earlier = causes.get(memberId(segmentId, customerId));
        // A member by another cause stays as is; one by this file is re-entered so its record completes.
        if (earlier !== undefined && earlier !== cause) return false;
        const reason = `imported from CSV ${source}, line ${line}`;
        return (
          (await segments.membership.enter(definition, customerId, reason, cause)) && earlier === undefined
        );
      }),
    );
    result.added += entered.filter(Boolean).length;
  }
  result.alreadyMembers = rows.length - result.added;
  return result;
}
