import {
  ANALYTICS_TABLES,
  AnalyticsQuery,
  AnalyticsSettings,
  type AnalyticsTable,
  JourneyAnalytics,
} from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { tableCsv } from '../services/analytics/csv.ts';
import { journeyAnalytics } from '../services/analytics/report.ts';
import { analyticsSettings } from '../services/analytics/revenue.ts';

const tags = ['analytics'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const TableParams = Type.Object({
  id: Type.String({ minLength: 1 }),
  table: Type.Union(ANALYTICS_TABLES.map((t) => Type.Literal(t))),
});
const DEFAULT_RANGE_MS = 30 * 86_400_000;
/** At most about 400 days of hourly buckets per request. */
const MAX_RANGE_MS = 400 * 86_400_000;

type Query = Static<typeof AnalyticsQuery>;

function range(query: Query) {
  const to = query.to ?? new Date().toISOString();
  const from = query.from ?? new Date(Date.parse(to) - DEFAULT_RANGE_MS).toISOString();
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) throw new HttpError(400, 'from must be before to', 'from');
  if (span > MAX_RANGE_MS) throw new HttpError(400, 'the range may span at most 400 days', 'from');
  return { from, to, version: query.version };
}

/** Journey analytics from the hourly rollups: the report, its tables as CSV, and revenue settings. */
export async function analyticsRoutes(app: FastifyInstance, { db, journeys }: Services) {
  const settings = analyticsSettings(db);
  const read = { capability: 'journeys:read' } as const;
  const report = async (id: string, query: Query) => {
    await journeys.get(id);
    return journeyAnalytics(db, id, range(query));
  };

  app.get<{ Params: Static<typeof IdParams>; Querystring: Query }>(
    '/journeys/:id/analytics',
    {
      config: read,
      schema: {
        tags,
        summary: 'Journey, node, send, branch and revenue figures over a date range',
        params: IdParams,
        querystring: AnalyticsQuery,
        response: { 200: JourneyAnalytics },
      },
    },
    (req) => report(req.params.id, req.query),
  );
  app.get<{ Params: Static<typeof TableParams>; Querystring: Query }>(
    '/journeys/:id/analytics/:table.csv',
    {
      config: read,
      schema: {
        tags,
        summary: 'One table of the journey report as CSV',
        params: TableParams,
        querystring: AnalyticsQuery,
        response: { 200: Type.String({ description: 'text/csv' }) },
      },
    },
    async (req, reply) => {
      const csv = tableCsv(await report(req.params.id, req.query), req.params.table as AnalyticsTable);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${req.params.id}-${req.params.table}.csv"`)
        .send(csv);
    },
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/journeys/:id/analytics/settings',
    { config: read, schema: { tags, params: IdParams, response: { 200: AnalyticsSettings } } },
    async (req) => {
      await journeys.get(req.params.id);
      return settings.get(req.params.id);
    },
  );
  app.put<{ Params: Static<typeof IdParams>; Body: AnalyticsSettings }>(
    '/journeys/:id/analytics/settings',
    {
      config: { capability: 'journeys:write' },
      schema: { tags, params: IdParams, body: AnalyticsSettings, response: { 200: AnalyticsSettings } },
    },
    async (req) => {
      await journeys.get(req.params.id);
      await settings.put(req.params.id, req.body);
      return settings.get(req.params.id);
    },
  );
}
