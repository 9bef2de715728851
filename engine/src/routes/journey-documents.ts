import { ExportQuery, ImportQuery, ImportResult, JourneyDocument } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parse, YAMLParseError } from 'yaml';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { documentYaml, journeyExporter } from '../services/journey-export.ts';
import { journeyImporter } from '../services/journey-import.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const tags = ['journeys'];
const documentContent = {
  'application/json': { schema: JourneyDocument },
  ...Object.fromEntries(YAML_TYPES.map((type) => [type, { schema: JourneyDocument }])),
};

function parseYaml(text: string): unknown {
  try {
    // A document is data: plain YAML 1.2 core types, no custom tags, few aliases.
    return parse(text, { schema: 'core', maxAliasCount: 50, prettyErrors: true });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}` : '';
    throw new HttpError(
      400,
      `The document is not valid YAML${where}: ${error.message.split('\n')[0]}`,
      'body',
    );
  }
}

/** Journeys as code: a journey with what it references as one YAML or JSON document, and back. */
export async function journeyDocumentRoutes(app: FastifyInstance, { db, journeys, segments }: Services) {
  const exporter = journeyExporter(db, journeys);
  const importer = journeyImporter(db, journeys, segments);

  app.get<{ Params: Static<typeof IdParams>; Querystring: ExportQuery }>(
    '/journeys/:id/export',
    {
      config: { capability: 'journeys:read' },
      schema: {
        tags,
        summary: 'Export a journey (draft or version) with its templates and promo pools',
        params: IdParams,
        querystring: ExportQuery,
        response: {
          200: {
            content: {
              'application/yaml': { schema: Type.String() },
              'application/json': { schema: JourneyDocument },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { version, format = 'yaml', layout = true } = req.query;
      const document = await exporter.export(req.params.id, { version, layout });
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(document);
      return reply.type('application/yaml; charset=utf-8').send(documentYaml(document));
    },
  );

  await app.register(async (scoped) => {
    scoped.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseYaml(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scoped.post<{ Body: JourneyDocument; Querystring: ImportQuery }>(
      '/journeys/import',
      {
        config: { capability: 'journeys:write' },
        schema: {
          tags,
          summary: 'Create or update a journey draft (and its templates and pools) from a document',
          querystring: ImportQuery,
          body: { content: documentContent },
          response: { 200: ImportResult },
        },
      },
      (req) => importer.import(req.body, { dryRun: req.query.dryRun }),
    );
  });
}
