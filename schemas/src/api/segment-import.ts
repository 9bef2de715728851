import { type Static, Type } from '@sinclair/typebox';

/** Contracts of the CSV import into a manual segment, shared with the editor. */

export const SegmentImportInput = Type.Object(
  {
    csv: Type.String({ maxLength: 20 * 1024 * 1024 }),
    /** The header name (or, without a header, the 1-based position) of the column holding the customer id. */
    customerIdColumn: Type.String({ minLength: 1, maxLength: 200 }),
    header: Type.Optional(Type.Boolean({ default: true })),
    /** Parses and previews without writing anything. */
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    /** The uploaded file's name, quoted in each imported member's entry reason. */
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type SegmentImportInput = Static<typeof SegmentImportInput>;

export const SegmentImportRowError = Type.Object({ line: Type.Integer(), message: Type.String() });

export const SegmentImportResult = Type.Object({
  dryRun: Type.Boolean(),
  /** Derived from the file's content: the entry reasons name it when no file name was given. */
  importId: Type.String(),
  /** Good rows (distinct customers); all of them are kept even when other rows are bad. */
  valid: Type.Integer(),
  added: Type.Integer(),
  alreadyMembers: Type.Integer(),
  preview: Type.Array(Type.Object({ line: Type.Integer(), customerId: Type.String() })),
  errors: Type.Array(SegmentImportRowError),
});
export type SegmentImportResult = Static<typeof SegmentImportResult>;
