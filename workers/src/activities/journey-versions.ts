import { COLLECTIONS, type EnrollmentInput, type JourneyVersion } from '@itinera/schemas';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { workflowJourney } from '../workflows/journey-input.ts';

/** Published versions (immutable) as a workflow needs them, for enrollments asked to move to one. */
export function journeyVersionActivities(db: Db) {
  const versions = db.collection<JourneyVersion & { _id: string }>(COLLECTIONS.versions);
  return {
    async loadJourneyVersion(input: {
      journeyId: string;
      version: number;
    }): Promise<EnrollmentInput['journey']> {
      const doc = await versions.findOne({ _id: `${input.journeyId}:v${input.version}` });
      if (!doc)
        throw ApplicationFailure.nonRetryable(`Journey ${input.journeyId} has no version ${input.version}`);
      return workflowJourney(doc);
    },
  };
}

export type JourneyVersionActivities = ReturnType<typeof journeyVersionActivities>;
