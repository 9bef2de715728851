import {
  COLLECTIONS,
  CONTROL_STEP_NODE,
  type ControlGroup,
  controlGroupFor,
  foldKeyOf,
  GLOBAL_CONTROL_SETTINGS_ID,
  hourKeyOf,
  type Journey,
} from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

const SETTINGS_CACHE_MS = 1_000;

/** Decides which entrants are held out and writes that on their timeline. */
export function controlGroups(db: Db) {
  const settings = db.collection<{ _id: string; percent?: number }>(COLLECTIONS.settings);
  const steps = db.collection<{ _id: string }>(COLLECTIONS.steps);
  let cached: { expires: number; percent: Promise<number> } | null = null;

  /** Every entry asks; a workspace setting changes rarely, so it is read at most once a second. */
  const globalPercent = () => {
    if (!cached || cached.expires < Date.now()) {
      const percent = settings.findOne({ _id: GLOBAL_CONTROL_SETTINGS_ID }).then((doc) => doc?.percent ?? 0);
      cached = { expires: Date.now() + SETTINGS_CACHE_MS, percent };
      percent.catch(() => {
        cached = null;
      });
    }
    return cached.percent;
  };

  return {
    async assign(
      journey: Pick<Journey, 'id' | 'settings'>,
      customerId: string,
    ): Promise<ControlGroup | null> {
      const percent = journey.settings.transactional ? 0 : await globalPercent();
      return controlGroupFor(customerId, journey, percent);
    },

    /** One timeline line per held-out enrollment, written once however often the entry is retried. */
    async record(
      enrollment: {
        _id: string;
        journeyId: string;
        journeyName: string;
        customerId: string;
        enteredAt: string;
      },
      group: ControlGroup,
      percent: number,
    ) {
      const reason =
        group === 'holdout'
          ? `Held out: control group of journey "${enrollment.journeyName}" (${percent}% of entrants receive nothing)`
          : `Held out: global control group (receives no marketing messages)`;
      // Two processes entering the same enrollment may race here; the loser's duplicate key means it is written.
      await steps
        .updateOne(
          { _id: `${enrollment._id}:${CONTROL_STEP_NODE}:0` },
          {
            $setOnInsert: {
              enrollmentId: enrollment._id,
              journeyId: enrollment.journeyId,
              customerId: enrollment.customerId,
              nodeId: CONTROL_STEP_NODE,
              nodeType: 'control',
              visit: 0,
              at: enrollment.enteredAt,
              hour: hourKeyOf(enrollment.enteredAt),
              outcome: group,
              port: null,
              reason,
              foldKey: foldKeyOf(),
            },
          },
          { upsert: true },
        )
        .catch((error) => {
          if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        });
    },
  };
}
