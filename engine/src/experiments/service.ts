import {
  COLLECTIONS,
  CONTROL_STEP_NODE,
  type ExperimentResults,
  GLOBAL_CONTROL_SETTINGS_ID,
  type GlobalControlView,
  type HoldoutResults,
  type JourneyGraph,
  type JourneyVersion,
  type PrimaryMetric,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { JourneyService } from '../services/journeys.ts';
import { analyseExperiment } from './analysis.ts';
import { type Assignment, countArms, type RevenueRule } from './counts.ts';

interface SplitConfig {
  branches: { id: string; label: string; percent: number }[];
  experiment?: {
    primaryMetric: PrimaryMetric;
    control?: string;
    minSample: number;
    revenueEvent?: string;
    revenueProperty?: string;
    attributionDays?: number;
  };
}

const DAY_MS = 86_400_000;
const DEFAULT_MIN_SAMPLE = 100;

interface StepDoc {
  enrollmentId: string;
  customerId: string;
  port: string | null;
  outcome: string;
  at: string;
}

/** The nodes a customer can reach after `nodeId`: their clicks count for the branch taken there. */
function downstreamOf(graph: JourneyGraph, nodeId: string): Set<string> {
  const reached = new Set<string>();
  const queue = [nodeId];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const edge of graph.edges) {
      if (edge.source !== current || reached.has(edge.target)) continue;
      reached.add(edge.target);
      queue.push(edge.target);
    }
  }
  return reached;
}

function goalEvent(graph: JourneyGraph): string | undefined {
  return graph.nodes.find((n) => n.type === 'goal')?.config.event as string | undefined;
}

/** Experiment results per split branch, holdout lift, promoting a winner, and the global control group. */
export function experimentService(db: Db, journeys: JourneyService) {
  const steps = db.collection<StepDoc>(COLLECTIONS.steps);
  const enrollments = db.collection(COLLECTIONS.enrollments);
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

  /** Enrollments held out of the journey (they walk it too, but must not count as any variant). */
  const heldOut = async (journeyId: string) => {
    const docs = await steps
      .find(
        { journeyId, nodeId: CONTROL_STEP_NODE },
        { projection: { enrollmentId: 1, customerId: 1, outcome: 1, at: 1 } },
      )
      .toArray();
    return docs;
  };

  const assignmentsAt = async (journeyId: string, nodeId: string) => {
    const excluded = new Set((await heldOut(journeyId)).map((s) => s.enrollmentId));
    const docs = await steps
      .find({ journeyId, nodeId }, { projection: { enrollmentId: 1, customerId: 1, port: 1, at: 1 } })
      .toArray();
    const assignments = new Map<string, Assignment>();
    for (const step of docs) {
      if (!step.port || excluded.has(step.enrollmentId)) continue;
      const known = assignments.get(step.enrollmentId);
      if (!known || step.at < known.at)
        assignments.set(step.enrollmentId, { arm: step.port, customerId: step.customerId, at: step.at });
    }
    return assignments;
  };

  const revenueRule = (
    version: JourneyVersion,
    experiment: SplitConfig['experiment'],
    windowDays: number,
  ): RevenueRule | null => {
    const event = experiment?.revenueEvent ?? goalEvent(version.graph);
    if (!event) return null;
    return { event, property: experiment?.revenueProperty ?? 'amount', windowMs: windowDays * DAY_MS };
  };

  return {
    async results(journeyId: string, nodeId: string): Promise<ExperimentResults> {
      const version = await currentVersion(journeyId);
      const { config } = splitNode(version, nodeId);
      const experiment = config.experiment;
      const metric = experiment?.primaryMetric ?? 'conversion';
      const assignments = await assignmentsAt(journeyId, nodeId);
      const arms = await countArms(
        db,
        journeyId,
        config.branches,
        assignments,
        revenueRule(version, experiment, experiment?.attributionDays ?? 7),
        downstreamOf(version.graph, nodeId),
      );
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
      const control = await heldOut(journeyId);
      const excluded = new Map(control.map((s) => [s.enrollmentId, s]));
      const docs = await enrollments
        .find({ journeyId }, { projection: { _id: 1, customerId: 1, enteredAt: 1 } })
        .toArray();
      const assignments = new Map<string, Assignment>();
      for (const doc of docs) {
        const id = String(doc._id);
        const arm = excluded.has(id) ? 'holdout' : 'treated';
        assignments.set(id, { arm, customerId: doc.customerId, at: doc.enteredAt });
      }
      const arms = await countArms(
        db,
        journeyId,
        [
          { id: 'treated', label: 'Treated' },
          { id: 'holdout', label: 'Held out' },
        ],
        assignments,
        revenueRule(version, undefined, 7),
      );
      const analysis = analyseExperiment({
        arms,
        controlId: 'holdout',
        metric: 'conversion',
        minSample: DEFAULT_MIN_SAMPLE,
      });
      return {
        journeyId,
        holdoutPercent: version.settings.holdoutPercent ?? 0,
        globalControl: control.filter((s) => s.outcome === 'global').length,
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
