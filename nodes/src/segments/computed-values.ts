import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

/** What reading a value needs from a computed-attribute definition. */
export interface ComputedRevision {
  _id: string;
  revision: string;
}

/**
 * A customer's computed attributes by name (see engine/src/services/computed.ts): for each attribute's current
 * revision, the value computed over the most events. Attributes with no matching event yet are absent.
 */
export async function computedValuesOf(
  db: Db,
  customerId: string,
  definitions?: ComputedRevision[],
): Promise<Record<string, unknown>> {
  const defs =
    definitions ??
    (await db
      .collection<ComputedRevision>(COLLECTIONS.computedAttributes)
      .find({}, { projection: { revision: 1 } })
      .toArray());
  if (defs.length === 0) return {};
  const docs = await db
    .collection<{ revision: string; value: unknown }>(COLLECTIONS.computedValues)
    .find(
      { customerId, revision: { $in: defs.map((d) => d.revision) } },
      { projection: { revision: 1, value: 1 } },
    )
    .sort({ basis: -1 })
    .toArray();
  const values: Record<string, unknown> = {};
  for (const def of defs) {
    const latest = docs.find((d) => d.revision === def.revision);
    if (latest) values[def._id] = latest.value;
  }
  return values;
}
