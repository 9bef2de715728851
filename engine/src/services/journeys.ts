import { randomUUID } from 'node:crypto';
import {
  COLLECTIONS,
  DEFAULT_SETTINGS,
  type EventInterest,
  eventInterest,
  type Journey,
  type JourneyGraph,
  type JourneyInput,
  type JourneySettings,
  type JourneyStatus,
  type JourneyVersion,
  validateGraph,
} from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';

const DUPLICATE_KEY = 11000;

interface JourneyDoc extends Omit<Journey, 'id'> {
  _id: string;
  /** Denormalised from the live version's trigger so ingestion finds journeys by event name. */
  triggerEvent?: string | null;
  /** Draft revision: bumped by every update; a save naming an older one is refused. */
  revision?: number;
  /** The API key name that saved the draft last. */
  updatedBy?: string;
  /** The status an archived journey had, so archiving can be undone. */
  archivedFrom?: JourneyStatus;
}

/** A journey as the API returns it: the draft's revision always present (0 before the first save). */
export type JourneyWithRevision = Journey & { revision: number; updatedBy?: string };

function toJourney({ _id, triggerEvent: _, archivedFrom: __, ...rest }: JourneyDoc): JourneyWithRevision {
  const revision = rest.revision ?? 0;
  return { id: _id, ...rest, revision };
}

const staleRevision = (doc: JourneyDoc) =>
  new HttpError(
    409,
    `The draft was changed by ${doc.updatedBy ?? 'someone else'} at ${doc.updatedAt} (revision ${doc.revision ?? 0}); reload it or save over it`,
    'revision',
    { revision: doc.revision ?? 0, updatedBy: doc.updatedBy ?? null, updatedAt: doc.updatedAt },
  );

function triggerOf(graph: JourneyGraph) {
  return graph.nodes.find((n) => n.type === 'trigger');
}

export function journeyService(db: Db) {
  const journeys = db.collection<JourneyDoc>(COLLECTIONS.journeys);
  const versions = db.collection<JourneyVersion & { _id: string }>(COLLECTIONS.versions);
  const versionCache = new Map<string, JourneyVersion>();
  let liveCache: { expires: number; live: { doc: JourneyDoc; journey: Journey }[] } | null = null;
  let interestCache: { expires: number; interests: Promise<EventInterest[]> } | null = null;

  const load = async (id: string): Promise<JourneyDoc> => {
    const doc = await journeys.findOne({ _id: id });
    if (!doc) throw new HttpError(404, `Journey "${id}" does not exist`, 'id');
    return doc;
  };

  const setStatus = async (id: string, status: JourneyStatus, allowedFrom: JourneyStatus[]) => {
    const doc = await load(id);
    // The status check and change are one conditional update, so a racing change in another process wins cleanly.
    const changed = allowedFrom.includes(doc.status)
      ? await journeys.updateOne(
          { _id: id, status: { $in: allowedFrom } },
          {
            $set: {
              status,
              updatedAt: new Date().toISOString(),
              ...(status === 'archived' ? { archivedFrom: doc.status } : {}),
            },
          },
        )
      : null;
    if (!changed?.matchedCount) {
      const now = changed ? (await load(id)).status : doc.status;
      throw new HttpError(409, `Journey is ${now}; cannot become ${status}`, 'status');
    }
    liveCache = null;
    return toJourney({ ...doc, status });
  };

  return {
    async list(): Promise<JourneyWithRevision[]> {
      return (await journeys.find().sort({ updatedAt: -1 }).limit(500).toArray()).map(toJourney);
    },
    async get(id: string): Promise<JourneyWithRevision> {
      return toJourney(await load(id));
    },
    /** `id`: a journey imported from a document keeps the id it has there. */
    async create(input: JourneyInput, id: string = randomUUID()): Promise<JourneyWithRevision> {
      const now = new Date().toISOString();
      const doc: JourneyDoc = {
        _id: id,
        name: input.name,
        status: 'draft',
        graph: input.graph,
        settings: { ...DEFAULT_SETTINGS, ...input.settings },
        ...(input.notes ? { notes: input.notes } : {}),
        liveVersion: null,
        latestVersion: 0,
        revision: 0,
        createdAt: now,
        updatedAt: now,
      };
      await journeys.insertOne(doc);
      return toJourney(doc);
    },
    /**
     * Saves the draft when `patch.revision` (if given) is still the current one. The write itself is
     * conditional on the revision read, so two processes saving at once cannot both win.
     */
    async update(
      id: string,
      patch: Partial<JourneyInput> & { revision?: number },
      by?: string,
    ): Promise<JourneyWithRevision> {
      const { revision: expected, ...changes } = patch;
      for (;;) {
        const doc = await load(id);
        if (doc.status === 'archived')
          throw new HttpError(409, 'Archived journeys cannot be edited', 'status');
        const current = doc.revision ?? 0;
        if (expected !== undefined && expected !== current) throw staleRevision(doc);
        const settings: JourneySettings = { ...doc.settings, ...changes.settings };
        const $set = {
          ...changes,
          settings,
          updatedAt: new Date().toISOString(),
          revision: current + 1,
          ...(by ? { updatedBy: by } : {}),
        };
        const unchanged =
          current === 0
            ? { $or: [{ revision: 0 }, { revision: { $exists: false } }] }
            : { revision: current };
        const { matchedCount } = await journeys.updateOne({ _id: id, ...unchanged }, { $set });
        if (matchedCount === 1) return toJourney({ ...doc, ...$set });
        // Someone saved in between: a caller that named a revision learns who; one that did not retries.
        if (expected !== undefined) throw staleRevision(await load(id));
      }
    },
    async unarchive(id: string): Promise<JourneyWithRevision> {
      const doc = await load(id);
      if (doc.status !== 'archived')
        throw new HttpError(409, `Journey is ${doc.status}, not archived`, 'status');
      const status = doc.archivedFrom ?? (doc.liveVersion ? 'paused' : 'draft');
      await journeys.updateOne(
        { _id: id, status: 'archived' },
        { $set: { status, updatedAt: new Date().toISOString() }, $unset: { archivedFrom: '' } },
      );
      liveCache = null;
      return toJourney({ ...doc, status });
    },
    async duplicate(id: string): Promise<Journey> {
      const doc = await load(id);
      return this.create({
        name: `${doc.name} (copy)`,
        graph: doc.graph,
        settings: doc.settings,
        ...(doc.notes ? { notes: doc.notes } : {}),
      });
    },
    /** Publishes the draft, or `graph` when given (promoting an experiment's winner leaves the draft alone). */
    async publish(id: string, note: string, graph?: JourneyGraph): Promise<JourneyVersion> {
      const loaded = await load(id);
      const doc = graph ? { ...loaded, graph } : loaded;
      if (doc.status === 'archived')
        throw new HttpError(409, 'Archived journeys cannot be published', 'status');
      const problems = validateGraph(doc.graph);
      if (problems.length > 0) {
        throw new HttpError(
          422,
          `The journey has ${problems.length} problem(s): ${problems[0].message}`,
          'graph',
          { problems },
        );
      }
      const publishedAt = new Date().toISOString();
      const base = {
        journeyId: id,
        name: doc.name,
        graph: doc.graph,
        settings: doc.settings,
        ...(doc.notes?.length ? { notes: doc.notes } : {}),
        note,
        publishedAt,
        listensFor: eventInterest(doc.graph),
      };
      // Version numbers are claimed by unique insert: concurrent publishes get distinct numbers on any store.
      let version: JourneyVersion = { ...base, version: doc.latestVersion + 1 };
      for (;;) {
        try {
          await versions.insertOne({ _id: `${id}:v${version.version}`, ...version });
          break;
        } catch (error) {
          if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
          version = { ...base, version: version.version + 1 };
        }
      }
      const trigger = triggerOf(doc.graph)?.config as { kind?: string; event?: string } | undefined;
      // Only a newer version moves the journey forward. The filter and update are one atomic step on MongoDB;
      // FerretDB applies them as read-then-write, so racing publishes there may leave an older version live.
      await journeys.updateOne(
        { _id: id, latestVersion: { $lt: version.version } },
        {
          $set: {
            liveVersion: version.version,
            latestVersion: version.version,
            triggerEvent: trigger?.kind === 'event' ? (trigger.event ?? null) : null,
            updatedAt: version.publishedAt,
          },
        },
      );
      // A draft goes live; a paused journey stays paused, and one archived meanwhile stays archived.
      await journeys.updateOne({ _id: id, status: 'draft' }, { $set: { status: 'live' } });
      liveCache = null;
      interestCache = null;
      return version;
    },
    async versions(id: string) {
      await load(id);
      return versions
        .find({ journeyId: id }, { projection: { graph: 0 } })
        .sort({ version: -1 })
        .toArray();
    },
    /** Published versions never change, so they are cached forever. */
    async version(id: string, version: number): Promise<JourneyVersion> {
      const key = `${id}:v${version}`;
      const cached = versionCache.get(key);
      if (cached) return cached;
      const doc = await versions.findOne({ _id: key });
      if (!doc) throw new HttpError(404, `Journey "${id}" has no version ${version}`, 'version');
      const { _id, ...found } = doc;
      versionCache.set(key, found);
      return found;
    },
    /** Live journeys entered on this event; cached for a second because every tracked event asks. */
    async liveOnEvent(event: string): Promise<Journey[]> {
      if (!liveCache || liveCache.expires < Date.now()) {
        const live = (await journeys.find({ status: 'live' }).toArray()).map((doc) => ({
          doc,
          journey: toJourney(doc),
        }));
        liveCache = { expires: Date.now() + 1_000, live };
      }
      return liveCache.live.filter(({ doc }) => doc.triggerEvent === event).map(({ journey }) => journey);
    },
    /**
     * What every published version listens for, from a list at most 1 s old (as `liveOnEvent`); a version
     * stored without it may listen for anything.
     */
    versionInterests(): Promise<EventInterest[]> {
      if (!interestCache || interestCache.expires < Date.now()) {
        const interests = versions
          .find({}, { projection: { listensFor: 1 } })
          .toArray()
          .then((docs) => docs.map((doc) => doc.listensFor ?? { all: true as const }));
        interestCache = { expires: Date.now() + 1_000, interests };
        interests.catch(() => {
          interestCache = null;
        });
      }
      return interestCache.interests;
    },
    pause: (id: string) => setStatus(id, 'paused', ['live']),
    resume: (id: string) => setStatus(id, 'live', ['paused']),
    archive: (id: string) => setStatus(id, 'archived', ['draft', 'live', 'paused']),
  };
}

export type JourneyService = ReturnType<typeof journeyService>;
