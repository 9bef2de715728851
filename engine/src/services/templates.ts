import { randomBytes } from 'node:crypto';
import { renderTemplate, TemplateError, templateContext } from '@itinera/nodes/send';
import { COLLECTIONS, type CustomerEvent, decodeRecord, type JourneyGraph } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { journeyService } from './journeys.ts';

export const CHANNELS = ['email', 'sms', 'push', 'webhook'] as const;
export type TemplateChannel = (typeof CHANNELS)[number];

/** The renderable parts of a message; `text` is the plain-text alternative of an email's HTML body. */
export interface TemplateContent {
  channel: TemplateChannel;
  subject?: string;
  body: string;
  text?: string;
}

export interface MessageTemplate extends TemplateContent {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export type TemplateInput = Omit<MessageTemplate, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };
export type TemplatePatch = Partial<Omit<TemplateInput, 'id'>>;

export interface PreviewEvent {
  event: string;
  properties?: Record<string, unknown>;
  timestamp?: string;
}

export interface RenderedTemplate {
  subject: string | null;
  body: string;
  text: string | null;
}

interface TemplateDoc extends Omit<MessageTemplate, 'id'> {
  _id: string;
}

export const SLUG_PATTERN = '^[a-z0-9][a-z0-9_-]{0,99}$';
const RENDERED_FIELDS = ['subject', 'body', 'text'] as const;

function toTemplate({ _id, ...rest }: TemplateDoc): MessageTemplate {
  return { id: _id, ...rest };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'template';
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

function graphUses(graph: JourneyGraph | undefined, templateId: string): boolean {
  return !!graph?.nodes.some((n) => n.type === 'send' && n.config.templateId === templateId);
}

/** Renders every present part; the first Liquid error becomes a 422 naming the field. */
type Render = (template: string, context: Record<string, unknown>) => Promise<string>;

async function renderParts(content: TemplateContent, context: Record<string, unknown>, render: Render) {
  const out: RenderedTemplate = { subject: null, body: '', text: null };
  for (const field of RENDERED_FIELDS) {
    const source = content[field];
    if (source === undefined || (field !== 'body' && source === '')) continue;
    try {
      out[field] = await render(source, context);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new HttpError(422, error.message, field);
    }
  }
  return out;
}

/**
 * Checks a template before it is stored: the channel's required parts, then every part is parsed and
 * rendered for an empty customer (syntax errors, unknown filters, runaway loops become a 422 naming it).
 */
export async function checkTemplate(
  content: TemplateContent,
  render: Render = renderTemplate,
): Promise<void> {
  if (content.channel === 'email' && !content.subject?.trim()) {
    throw new HttpError(422, 'An email template needs a subject', 'subject');
  }
  if (content.channel !== 'email' && content.text) {
    throw new HttpError(422, 'Only email templates have a plain-text alternative', 'text');
  }
  await renderParts(content, templateContext({ customerId: 'template-check', traits: {} }), render);
}

/** `render` runs Liquid; the API passes its worker-thread pool so rendering stays off the event loop. */
export function templateService(
  db: Db,
  journeys: ReturnType<typeof journeyService>,
  render: Render = renderTemplate,
) {
  const templates = db.collection<TemplateDoc>(COLLECTIONS.templates);
  const profiles = db.collection(COLLECTIONS.profiles);

  const load = async (id: string): Promise<TemplateDoc> => {
    const doc = await templates.findOne({ _id: id });
    if (!doc) throw new HttpError(404, `Template "${id}" does not exist`, 'id');
    return doc;
  };

  const insert = async (doc: TemplateDoc, userGiven: boolean): Promise<TemplateDoc> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await templates.insertOne(doc);
        return doc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        if (userGiven) throw new HttpError(409, `Template "${doc._id}" already exists`, 'id');
        if (attempt >= 3) throw error;
        doc._id = `${doc._id.replace(/-[0-9a-f]{6}$/, '')}-${randomBytes(3).toString('hex')}`;
      }
    }
  };

  /** Journeys (drafts and live versions, archived ones excepted) whose Send nodes use the template. */
  const usedBy = async (id: string): Promise<string[]> => {
    const names: string[] = [];
    for (const journey of await journeys.list()) {
      if (journey.status === 'archived') continue;
      const live = journey.liveVersion ? await journeys.version(journey.id, journey.liveVersion) : null;
      if (graphUses(journey.graph, id) || graphUses(live?.graph, id)) names.push(journey.name);
    }
    return names;
  };

  const previewContext = async (customerId: string, event?: PreviewEvent) => {
    const profile = await profiles.findOne({ _id: customerId as never });
    if (!profile) throw new HttpError(404, `Customer "${customerId}" does not exist`, 'customerId');
    const now = new Date().toISOString();
    const customerEvent: CustomerEvent | null = event
      ? {
          messageId: 'preview',
          customerId,
          event: event.event,
          properties: event.properties ?? {},
          timestamp: event.timestamp ?? now,
          receivedAt: now,
        }
      : null;
    const traits = decodeRecord(profile.traits);
    return templateContext({ customerId, traits, vars: { event: customerEvent, trigger: customerEvent } });
  };

  return {
    async list(): Promise<MessageTemplate[]> {
      return (await templates.find().sort({ updatedAt: -1 }).limit(1000).toArray()).map(toTemplate);
    },
    async get(id: string): Promise<MessageTemplate> {
      return toTemplate(await load(id));
    },
    async create({ id, ...input }: TemplateInput): Promise<MessageTemplate> {
      await checkTemplate(input, render);
      const now = new Date().toISOString();
      const doc = { _id: id ?? slugify(input.name), ...input, createdAt: now, updatedAt: now };
      return toTemplate(await insert(doc, id !== undefined));
    },
    /** Last write wins: concurrent edits of one template are not merged. */
    async update(id: string, patch: TemplatePatch): Promise<MessageTemplate> {
      const { _id, ...current } = await load(id);
      const next = { ...current, ...patch, updatedAt: new Date().toISOString() };
      await checkTemplate(next, render);
      await templates.replaceOne({ _id: id }, next);
      return toTemplate({ _id, ...next });
    },
    async remove(id: string): Promise<void> {
      await load(id);
      const users = await usedBy(id);
      if (users.length > 0) {
        throw new HttpError(
          409,
          `Template "${id}" is used by ${users.map((n) => `"${n}"`).join(', ')}`,
          'id',
          {
            journeys: users,
          },
        );
      }
      await templates.deleteOne({ _id: id });
    },
    /** Renders a stored template for a real customer, optionally with an event as `event` and `trigger`. */
    async preview(id: string, customerId: string, event?: PreviewEvent): Promise<RenderedTemplate> {
      const doc = await load(id);
      return renderParts(doc, await previewContext(customerId, event), render);
    },
    /** Renders unsaved content (the editor's live preview) for a real customer. */
    async previewContent(content: TemplateContent, customerId: string, event?: PreviewEvent) {
      return renderParts(content, await previewContext(customerId, event), render);
    },
  };
}
