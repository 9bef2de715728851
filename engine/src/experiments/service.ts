import {
  COLLECTIONS,
  CONTROL_STEP_NODE,
  type ExperimentResults,
  GLOBAL_CONTROL_SETTINGS_ID,
  type GlobalControlView,
  type HoldoutResults,
  type JourneyGraph,
  type JourneyVersion,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import { HOLDOUT_ARM } from '../services/analytics/arms.ts';
import type { JourneyService } from '../services/journeys.ts';
import { analyseExperiment } from './analysis.ts';
import { armRows, countArms } from './counts.ts';
import type { SplitConfig } from './rules.ts';

const DEFAULT_MIN_SAMPLE = 100;

/** Experiment results per split branch, holdout lift, promoting a winner, and the global control group. */
export function experimentService(db: Db, journeys: JourneyService) {
  const steps = db.collection<{ customerId: string }>(COLLECTIONS.steps);
  const settings = db.collection<{ _id: string; percent?: number }>(COLLECTIONS.settings);

  /** The version whose graph defines the experiment: the live one, else the latest published. */
  const currentVersion = async (journeyId: string): Promise<JourneyVersion> => {
    const journey = await journeys.get(journeyId);
    const version = journey.liveVersion ?? (journey.latestVersion || null);
    if (version === null) throw new HttpError(409, 'The journey has never been published', 'id');
    return journeys.version(journeyId, version);
  };

  const splitNode = (version: JourneyVersion, nodeId: string) => {
    const node = version.graph.nodes.find((n) => n.id === nodeId);
    if (node?.type !== 'split') throw new HttpError(404, `Journey has no split node "${nodeId}"`, 'nodeId');
    return node as JourneyGraph['nodes'][number] & { config: SplitConfig };
  };

  /** The folded arm rows of a journey. */
  const foldedArms = async (journeyId: string) => {
    const journey = await journeys.get(journeyId);
    return armRows(db, journeyId, journey.createdAt);
  };

  return {
    async results(journeyId: string, nodeId: string): Promise<ExperimentResults> {
      const version = await currentVersion(journeyId);
      const { config } = splitNode(version, nodeId);
      const experiment = config.experiment;
      const metric = experiment?.primaryMetric ?? 'conversion';
      const arms = countArms(await foldedArms(journeyId), nodeId, config.branches);
      const analysis = analyseExperiment({
        arms,
        controlId: experiment?.control ?? config.branches[0].id,
        metric,
        minSample: experiment?.minSample ?? DEFAULT_MIN_SAMPLE,
      });
      return { journeyId, nodeId, ...analysis };
    },

    /**
     * Publishes a new version of the live graph in which the split sends everyone down `branchId`. The draft
     * gets the same change when it still has the split, so a later publish keeps the winner.
     */
    async promote(
      journeyId: string,
      nodeId: string,
      branchId: string,
      note?: string,
    ): Promise<JourneyVersion> {
      const version = await currentVersion(journeyId);
      const node = splitNode(version, nodeId);
      const branch = node.config.branches.find((b) => b.id === branchId);
      if (!branch) throw new HttpError(422, `Split "${nodeId}" has no branch "${branchId}"`, 'branchId');
      const routeAll = (graph: JourneyGraph): JourneyGraph => ({
        ...graph,
        nodes: graph.nodes.map((n) => {
          if (n.id !== nodeId || n.type !== 'split') return n;
          const config = n.config as unknown as SplitConfig;
          if (!config.branches?.some((b) => b.id === branchId)) return n;
          const branches = config.branches.map((b) => ({ ...b, percent: b.id === branchId ? 100 : 0 }));
          return { ...n, config: { ...n.config, branches } };
        }),
      });
      const draft = await journeys.get(journeyId);
      await journeys.update(journeyId, { graph: routeAll(draft.graph), revision: draft.revision });
      return journeys.publish(
        journeyId,
        note ?? `Promoted "${branch.label}" of split "${nodeId}" to 100% (from version ${version.version})`,
        routeAll(version.graph),
      );
    },

    /** Goal conversion of treated entrants against the held-out ones (journey holdout and global control). */
    async holdout(journeyId: string): Promise<HoldoutResults> {
      const version = await currentVersion(journeyId);
      const rows = await foldedArms(journeyId);
      const arms = countArms(rows, CONTROL_STEP_NODE, [
        { id: 'treated', label: 'Treated' },
        { id: 'holdout', label: 'Held out' },
      ]);
      const analysis = analyseExperiment({
        arms,
        controlId: 'holdout',
        metric: 'conversion',
        minSample: DEFAULT_MIN_SAMPLE,
      });
      return {
        journeyId,
        holdoutPercent: version.settings.holdoutPercent ?? 0,
        globalControl: rows
          .filter((r) => r.x === HOLDOUT_ARM && r.k === 'armEntered' && r.p === 'global')
          .reduce((total, r) => total + r.count, 0),
        ...analysis,
      };
    },

    async globalControlPercent(): Promise<number> {
      return (await settings.findOne({ _id: GLOBAL_CONTROL_SETTINGS_ID }))?.percent ?? 0;
    },

    async setGlobalControlPercent(percent: number): Promise<void> {
      await settings.updateOne({ _id: GLOBAL_CONTROL_SETTINGS_ID }, { $set: { percent } }, { upsert: true });
    },

    async globalControl(): Promise<GlobalControlView> {
      const docs = await steps
        .find({ nodeId: CONTROL_STEP_NODE, outcome: 'global' }, { projection: { customerId: 1 } })
        .toArray();
      return {
        percent: await this.globalControlPercent(),
        heldOutEnrollments: docs.length,
        customers: new Set(docs.map((d) => d.customerId)).size,
      };
    },
  };
}

export type ExperimentService = ReturnType<typeof experimentService>;
