import { COLLECTIONS, type SavedScenario, type ScenarioFailure } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../../plugins/errors.ts';
import type { TestRunService } from './index.ts';

type ScenariosDoc = { _id: string; scenarios: SavedScenario[]; updatedAt: string };

/** Where an expected path and the actual one part: `- node` expected only, `+ node` taken only. */
export function pathDiff(expected: string[], actual: string[]): string[] {
  let same = 0;
  while (same < expected.length && same < actual.length && expected[same] === actual[same]) same++;
  return [
    ...expected.slice(0, same).map((n) => `  ${n}`),
    ...expected.slice(same).map((n) => `- ${n}`),
    ...actual.slice(same).map((n) => `+ ${n}`),
  ];
}

/** Saved scenarios: a journey's tests, stored as one document per journey and replaced as a whole. */
export function scenarioService(db: Db, testRuns: TestRunService) {
  const docs = db.collection<ScenariosDoc>(COLLECTIONS.scenarios);

  const list = async (journeyId: string) => (await docs.findOne({ _id: journeyId }))?.scenarios ?? [];

  /** Runs every scenario against the given version; the ones whose path misses their expectation. */
  const check = async (journeyId: string, version: number | 'draft'): Promise<ScenarioFailure[]> => {
    const failures: ScenarioFailure[] = [];
    for (const s of await list(journeyId)) {
      const { name, customerId, profile, steps, horizon, triggerProperties, expect } = s;
      const run = await testRuns.run(journeyId, {
        version,
        ...(customerId ? { customerId } : { profile: profile ?? { traits: {} } }),
        scenario: { steps, horizon, triggerProperties },
      });
      const ok =
        'path' in expect ? expect.path.join('>') === run.path.join('>') : run.path.includes(expect.reaches);
      if (ok) continue;
      const expectedPath = 'path' in expect ? expect.path : [...run.path, expect.reaches];
      failures.push({ name, expected: expect, actual: run.path, diff: pathDiff(expectedPath, run.path) });
    }
    return failures;
  };

  return {
    list,
    async save(journeyId: string, scenarios: SavedScenario[]) {
      const names = new Set<string>();
      for (const [i, s] of scenarios.entries()) {
        if (names.has(s.name))
          throw new HttpError(400, `Two scenarios are named "${s.name}"`, `scenarios.${i}.name`);
        if (s.customerId && s.profile)
          throw new HttpError(400, 'Give either customerId or profile, not both', `scenarios.${i}.profile`);
        names.add(s.name);
      }
      const updatedAt = new Date().toISOString();
      await docs.replaceOne({ _id: journeyId }, { scenarios, updatedAt }, { upsert: true });
      return scenarios;
    },
    check,
    /** Refuses (422) a version that breaks a saved scenario, naming it and showing expected and actual paths. */
    async guardPublish(journeyId: string) {
      const failures = await check(journeyId, 'draft');
      if (failures.length === 0) return;
      const [first] = failures;
      throw new HttpError(
        422,
        `Scenario "${first!.name}" fails: expected ${JSON.stringify(first!.expected)}, took ${first!.actual.join(' > ')}`,
        'scenarios',
        { failures },
      );
    },
  };
}

export type ScenarioService = ReturnType<typeof scenarioService>;
