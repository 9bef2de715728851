import { eventMatchesFilter } from '@itinera/nodes/filters';
import {
  type CustomerEvent,
  type EnrollmentInput,
  type EnrollmentState,
  type EnrollmentStatus,
  type EventMatcher,
  type ExecutionResult,
  eventMatches,
  executorFor,
  type InterpreterState,
  outgoingEdge,
  QUERIES,
  SIGNALS,
  type StepRecord,
  type VersionMove,
} from '@itinera/schemas';
import {
  ActivityFailure,
  CancellationScope,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  bookkeeping,
  type CarriedWait,
  createContext,
  Interrupted,
  type Mailbox,
  Relocating,
  type WaitStatus,
} from './context.ts';
import { holdoutRule } from './holdout.ts';
import { FILTERS_0_3, releasePatches } from './release.ts';
import { MAX_ANSWERED_MIGRATIONS, MIGRATE_PATCH, moveSignal, planMove } from './version-move.ts';

export const customerEventSignal = defineSignal<[CustomerEvent]>(SIGNALS.event);
export const exitSignal = defineSignal<[{ reason?: string }]>(SIGNALS.exit);
export const stateQuery = defineQuery<EnrollmentState>(QUERIES.state);

const MAX_PENDING_EVENTS = 200;
const MAX_SEEN_IDS = 500;
const DEFAULT_HISTORY_LIMIT = 8_000;

interface Ending {
  status: Exclude<EnrollmentStatus, 'active'>;
  reason: string;
  nodeId: string;
  nodeType: string;
  outcome: string;
}

/** Interprets one customer's path through one pinned journey version. */
export async function journeyWorkflow(input: EnrollmentInput): Promise<EnrollmentStatus> {
  let { graph } = input.journey;
  let nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  let goals = graph.nodes.filter((n) => n.type === 'goal');
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  const state: InterpreterState = input.resume ?? {
    currentNodeId: trigger?.id ?? '',
    visits: {},
    vars: { trigger: input.trigger },
    seenMessageIds: input.trigger ? [input.trigger.messageId] : [],
    pendingEvents: [],
    nextSeq: 0,
  };
  const isPatched = releasePatches();
  const heldOut = holdoutRule(input);
  const goalMatches = isPatched(FILTERS_0_3) ? eventMatchesFilter : eventMatches;
  const seen = new Set(state.seenMessageIds);
  const status: WaitStatus = { waitingFor: null, nextWakeAt: null };
  let ending: Ending | null = null;
  /** A request to continue on another version, answered between steps or by leaving a plain wait. */
  let moveRequest: VersionMove | null = state.move && isPatched(MIGRATE_PATCH) ? state.move : null;
  state.move = undefined;
  const answeredMoves = new Set(state.migrations ?? []);

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > historyLimit;
  };
  const continueWith = (wait?: CarriedWait) => {
    state.seenMessageIds = [...seen].slice(-MAX_SEEN_IDS);
    const move = moveRequest ?? undefined;
    return continueAsNew<typeof journeyWorkflow>({
      ...input,
      trigger: null,
      resume: { ...state, wait, move },
    });
  };
  const mailbox: Mailbox = {
    pendingEvents: state.pendingEvents,
    nextSeq: () => state.nextSeq,
    interrupted: () => ending !== null,
    historyFull,
    moveWait: continueWith,
    relocating: () => moveRequest !== null,
  };
  /** The node running now; a goal or an exit request cancels it, including an activity mid-retry. */
  let running: CancellationScope | null = null;

  setHandler(customerEventSignal, (event) => {
    if (seen.has(event.messageId) || ending) return;
    seen.add(event.messageId);
    const goal = goals.find((g) => goalMatches(event, g.config as EventMatcher));
    if (goal) {
      ending = {
        status: 'converted',
        reason: `Converted: "${event.event}" happened at ${event.timestamp}`,
        nodeId: goal.id,
        nodeType: goal.type,
        outcome: 'converted',
      };
      running?.cancel();
      return;
    }
    mailbox.pendingEvents.push({ ...event, seq: state.nextSeq++ });
    if (mailbox.pendingEvents.length > MAX_PENDING_EVENTS) mailbox.pendingEvents.shift();
  });
  setHandler(exitSignal, ({ reason }) => {
    ending ??= {
      status: 'exited',
      reason: reason ? `Exited by request: ${reason}` : 'Exited by request',
      nodeId: state.currentNodeId,
      nodeType: nodes.get(state.currentNodeId)?.type ?? 'unknown',
      outcome: 'exited',
    };
    running?.cancel();
  });
  setHandler(moveSignal, (request) => {
    if (ending || moveRequest || answeredMoves.has(request.migrationId)) return;
    if (!isPatched(MIGRATE_PATCH)) return;
    moveRequest = request;
  });
  setHandler(stateQuery, () => ({ currentNodeId: ending ? null : state.currentNodeId, ...status }));

  const record = (step: Omit<StepRecord, 'enrollmentId' | 'journeyId' | 'customerId' | 'at'>) =>
    bookkeeping.recordStep({
      enrollmentId: input.enrollmentId,
      journeyId: input.journey.id,
      customerId: input.customerId,
      at: new Date().toISOString(),
      ...step,
    });

  /** The end is recorded even when the workflow itself is being cancelled. */
  const finish = async (end: Ending, visit: number): Promise<EnrollmentStatus> => {
    await CancellationScope.nonCancellable(() =>
      record({
        nodeId: end.nodeId,
        nodeType: end.nodeType,
        visit,
        outcome: end.outcome,
        port: null,
        reason: end.reason,
        nextNodeId: null,
        end: { status: end.status, reason: end.reason },
      }),
    );
    return end.status;
  };

  const runNode = async (
    node: (typeof graph.nodes)[number],
    visit: number,
    carried: CarriedWait | undefined,
  ): Promise<ExecutionResult> => {
    const skipped = heldOut?.(node);
    if (skipped) return skipped;
    const executor = executorFor(node.type);
    if (!executor) {
      // A plain Error fails the workflow task, which Temporal retries until a worker that has the executor takes it.
      if (isPatched('missing-executor-retries-task'))
        throw new Error(`This worker has no executor for node type "${node.type}"`);
      return {
        outcome: 'failed',
        reason: `No executor registered for node type "${node.type}"`,
        end: 'exited',
      };
    }
    const ctx = createContext(input, node, visit, state.vars, mailbox, status, isPatched, carried);
    const scope = new CancellationScope();
    running = scope;
    try {
      return await scope.run(() => executor(ctx));
    } finally {
      running = null;
    }
  };

  /** Answers the pending move: records it, then either switches onto the new graph or stays (resuming `left`). */
  const answerMove = async (request: VersionMove, left: CarriedWait | undefined) => {
    moveRequest = null;
    answeredMoves.add(request.migrationId);
    state.migrations = [...answeredMoves].slice(-MAX_ANSWERED_MIGRATIONS);
    const nodeType = nodes.get(state.currentNodeId)?.type ?? 'unknown';
    const where = { input, nodeId: state.currentNodeId, nodeType, visits: state.visits, left };
    const { record, resume, journey } = await planMove(request, where, isPatched);
    await bookkeeping.recordMove(record);
    state.wait = resume;
    if (record.outcome !== 'moved' || !record.toNodeId) return;
    input.journey = journey;
    graph = journey.graph;
    nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    goals = graph.nodes.filter((n) => n.type === 'goal');
    state.currentNodeId = record.toNodeId;
  };
  let leftWait: CarriedWait | undefined;

  for (;;) {
    // A step resumed after continue-as-new (a send waiting out quiet hours) finishes before the move.
    const resumingStep = state.wait?.nodeId === state.currentNodeId;
    if (moveRequest && !ending && !resumingStep) await answerMove(moveRequest, leftWait);
    else if (leftWait) state.wait = leftWait;
    leftWait = undefined;
    const node = nodes.get(state.currentNodeId);
    const carried = state.wait?.nodeId === state.currentNodeId ? state.wait : undefined;
    state.wait = undefined;
    const visit = carried?.visit ?? (state.visits[state.currentNodeId] ?? 0) + 1;
    if (ending) return finish(ending, visit);
    if (!node) {
      return finish(
        {
          status: 'failed',
          reason: `Node "${state.currentNodeId}" is missing`,
          nodeId: state.currentNodeId,
          nodeType: 'unknown',
          outcome: 'failed',
        },
        visit,
      );
    }
    if (visit > input.journey.settings.maxLoopIterations) {
      const reason = `Loop guard: node visited more than ${input.journey.settings.maxLoopIterations} times`;
      return finish(
        { status: 'exited', reason, nodeId: node.id, nodeType: node.type, outcome: 'loop_guard' },
        visit,
      );
    }
    state.visits[node.id] = visit;

    let result: ExecutionResult;
    try {
      result = await runNode(node, visit, carried);
    } catch (error) {
      if ((error instanceof Interrupted || isCancellation(error)) && ending) return finish(ending, visit);
      if (error instanceof Relocating) {
        leftWait = error.wait;
        continue;
      }
      if (isCancellation(error) && isPatched('cancellation-records-end')) {
        const reason = 'Cancelled: the enrollment workflow was cancelled';
        return finish(
          { status: 'exited', reason, nodeId: node.id, nodeType: node.type, outcome: 'cancelled' },
          visit,
        );
      }
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause?.message ?? error.message;
      return finish(
        {
          status: 'failed',
          reason: `Failed: ${cause}`,
          nodeId: node.id,
          nodeType: node.type,
          outcome: 'failed',
        },
        visit,
      );
    }
    if (result.vars) Object.assign(state.vars, result.vars);
    const next = result.port ? outgoingEdge(graph, node.id, result.port) : undefined;
    const endStatus = result.end ?? (next ? undefined : 'completed');
    const endReason = result.end ? result.reason : `Output "${result.port}" leads nowhere`;
    await record({
      nodeId: node.id,
      nodeType: node.type,
      visit,
      outcome: result.outcome,
      port: result.port ?? null,
      reason: result.reason,
      data: result.data,
      nextNodeId: next?.target ?? null,
      end: endStatus ? { status: endStatus, reason: endReason } : undefined,
    });
    if (endStatus) return endStatus;
    state.currentNodeId = next!.target;

    // A pending move is answered first (at the top of the loop); continuing as new would drop it.
    if (!ending && !moveRequest && historyFull()) await continueWith();
  }
}
