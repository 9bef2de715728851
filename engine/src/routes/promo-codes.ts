import { PromoPoolView } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { POOL_ID_PATTERN, parseCsvCodes, promoCodeService } from '../services/promo-codes.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const PoolInput = Type.Object(
  {
    id: Type.String({ pattern: POOL_ID_PATTERN, description: 'Slug: lower-case letters, digits, "-", "_"' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union([Type.Literal('list'), Type.Literal('pattern')]),
    pattern: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'e.g. WELCOME-{X:6}; pattern pools only' }),
    ),
  },
  { additionalProperties: false },
);
const CodesJson = Type.Object(
  { codes: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200_000 }) },
  { additionalProperties: false },
);
const CodesBody = {
  content: {
    'application/json': { schema: CodesJson },
    'text/csv': {
      schema: { type: 'string', description: 'One code per line or in the first column; header optional' },
    },
  },
};

const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['promo-codes'];
const Added = Type.Object(
  { added: Type.Integer(), duplicates: Type.Integer() },
  { additionalProperties: true },
);

/** Promo-code pools: upload a CSV list or define a generator pattern; see the delivery-layer issue. */
export async function promoCodeRoutes(app: FastifyInstance, { db }: Services) {
  const promo = promoCodeService(db);
  // Encapsulated so the CSV parser only applies to these routes.
  await app.register(async (scoped) => {
    scoped.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scoped.post<{ Body: Static<typeof PoolInput> }>(
      '/promo-pools',
      { config: write, schema: { tags, body: PoolInput, response: { 201: PromoPoolView } } },
      async (req, reply) => reply.status(201).send(await promo.create(req.body)),
    );
    scoped.get(
      '/promo-pools',
      { config: read, schema: { tags, response: { 200: Type.Array(PromoPoolView) } } },
      () => promo.list(),
    );
    scoped.get<{ Params: IdParams }>(
      '/promo-pools/:id',
      { config: read, schema: { tags, params: IdParams, response: { 200: PromoPoolView } } },
      (req) => promo.get(req.params.id),
    );
    scoped.post<{ Params: IdParams; Body: Static<typeof CodesJson> | string }>(
      '/promo-pools/:id/codes',
      { config: write, schema: { tags, params: IdParams, body: CodesBody, response: { 200: Added } } },
      (req) => {
        const body = req.body;
        if (typeof body === 'string') return promo.addCodes(req.params.id, parseCsvCodes(body));
        if (!body || !Array.isArray(body.codes))
          throw new HttpError(400, 'Expected {"codes": [...]}', 'codes');
        // Not filtered, so `codes.N` in an error is the index the client sent.
        return promo.addCodes(
          req.params.id,
          body.codes.map((code) => ({ code: code.trim() })),
        );
      },
    );
  });
}
