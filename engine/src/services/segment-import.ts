import type { SegmentImportInput, SegmentImportResult } from '@itinera/schemas';
import { parse } from 'csv-parse/sync';
import { type Db, MongoBulkWriteError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import { SEGMENT_MEMBERS } from './broadcast-activities.ts';

const MAX_ID_LENGTH = 200;
const PREVIEW_ROWS = 20;
const MAX_ERRORS = 1000;
const WRITE_BATCH = 1000;

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

/** Adds the CSV's customers to a manual segment: one `segment_members` doc each, a repeat changes nothing. */
export async function importSegmentMembers(
  db: Db,
  segmentId: string,
  input: SegmentImportInput,
): Promise<SegmentImportResult> {
  const { rows, errors } = parseMemberCsv(input.csv, input.customerIdColumn, input.header ?? true);
  const result: SegmentImportResult = {
    dryRun: input.dryRun ?? false,
    valid: rows.length,
    added: 0,
    alreadyMembers: 0,
    preview: rows.slice(0, PREVIEW_ROWS),
    errors: errors.slice(0, MAX_ERRORS),
  };
  if (result.dryRun) return result;
  const members = db.collection<{ _id: string; segmentId: string; customerId: string; enteredAt: string }>(
    SEGMENT_MEMBERS,
  );
  const enteredAt = new Date().toISOString();
  for (let from = 0; from < rows.length; from += WRITE_BATCH) {
    const docs = rows.slice(from, from + WRITE_BATCH).map(({ customerId }) => ({
      _id: `${segmentId}:${customerId}`,
      segmentId,
      customerId,
      enteredAt,
    }));
    try {
      result.added += (await members.insertMany(docs, { ordered: false })).insertedCount;
    } catch (error) {
      // Duplicates are customers already in the segment; anything else is a real failure.
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const failures = [error.writeErrors].flat() as { code?: number }[];
      if (failures.some((e) => e.code !== 11000)) throw error;
      result.added += error.insertedCount;
    }
  }
  result.alreadyMembers = rows.length - result.added;
  return result;
}
