import { MessageChannel, RenderedMessage, TemplateView } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { renderPool } from '../services/render-pool.ts';
import { SLUG_PATTERN, templateService } from '../services/templates.ts';

const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['templates'];

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
type IdParams = Static<typeof IdParams>;
const parts = {
  channel: MessageChannel,
  subject: Type.Optional(
    Type.String({ maxLength: 2_000, description: 'Liquid; email subject or push title' }),
  ),
  body: Type.String({ maxLength: 100_000, description: 'Liquid; HTML for email, text otherwise' }),
  text: Type.Optional(
    Type.String({ maxLength: 100_000, description: 'Liquid; plain-text alternative (email)' }),
  ),
};
const fields = { name: Type.String({ minLength: 1, maxLength: 200 }), ...parts };
const TemplateBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({ pattern: SLUG_PATTERN, description: 'Slug; generated from the name when omitted' }),
    ),
    ...fields,
  },
  { additionalProperties: false },
);
const TemplatePatch = Type.Partial(Type.Object(fields, { additionalProperties: false }));
const PreviewEvent = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 200 }),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    timestamp: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
const target = {
  customerId: Type.String({ minLength: 1, maxLength: 200 }),
  event: Type.Optional(PreviewEvent),
};
const PreviewBody = Type.Object(target, { additionalProperties: false });
const AdHocPreviewBody = Type.Object({ ...parts, ...target }, { additionalProperties: false });
/** Reusable message templates and their preview against a real customer. */
export async function templateRoutes(app: FastifyInstance, services: Services) {
  const pool = renderPool();
  app.addHook('onClose', () => pool.close());
  const templates = templateService(services.db, services.journeys, pool.render);

  app.get('/templates', { config: read, schema: { tags, response: { 200: Type.Array(TemplateView) } } }, () =>
    templates.list(),
  );
  app.post<{ Body: Static<typeof TemplateBody> }>(
    '/templates',
    { config: write, schema: { tags, body: TemplateBody, response: { 201: TemplateView } } },
    async (req, reply) => reply.status(201).send(await templates.create(req.body)),
  );
  app.post<{ Body: Static<typeof AdHocPreviewBody> }>(
    '/templates/preview',
    { config: read, schema: { tags, body: AdHocPreviewBody, response: { 200: RenderedMessage } } },
    (req) => {
      const { customerId, event, ...content } = req.body;
      return templates.previewContent(content, customerId, event);
    },
  );
  app.get<{ Params: IdParams }>(
    '/templates/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: TemplateView } } },
    (req) => templates.get(req.params.id),
  );
  app.put<{ Params: IdParams; Body: Static<typeof TemplatePatch> }>(
    '/templates/:id',
    {
      config: write,
      schema: { tags, params: IdParams, body: TemplatePatch, response: { 200: TemplateView } },
    },
    (req) => templates.update(req.params.id, req.body),
  );
  app.delete<{ Params: IdParams }>(
    '/templates/:id',
    { config: write, schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      await templates.remove(req.params.id);
      return reply.status(204).send();
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof PreviewBody> }>(
    '/templates/:id/preview',
    {
      config: read,
      schema: { tags, params: IdParams, body: PreviewBody, response: { 200: RenderedMessage } },
    },
    (req) => templates.preview(req.params.id, req.body.customerId, req.body.event),
  );
}
