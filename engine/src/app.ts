import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import '@itinera/nodes/definitions';
import Fastify, { type FastifyContextConfig, type FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { registerAuth } from './plugins/auth.ts';
import { notFoundBody, registerErrorHandling } from './plugins/errors.ts';
import { customerRoutes } from './routes/customers.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { enrollmentRoutes } from './routes/enrollments.ts';
import { ingestionRoutes } from './routes/ingestion.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { linkRoutes } from './routes/links.ts';
import { metaRoutes } from './routes/meta.ts';
import { promoCodeRoutes } from './routes/promo-codes.ts';
import { templateRoutes } from './routes/templates.ts';
import { capabilityCheck } from './services/capabilities.ts';
import { enrollmentService, type TemporalTarget } from './services/enrollments.ts';
import { ingestionService } from './services/ingestion.ts';
import { journeyService } from './services/journeys.ts';

export interface AppOptions {
  db: Db;
  temporal: TemporalTarget;
  /** Folder of the built editor; served at `/` when present. */
  editorDir?: string;
  logger?: boolean | object;
}

export interface Services {
  db: Db;
  journeys: ReturnType<typeof journeyService>;
  enrollments: ReturnType<typeof enrollmentService>;
  ingestion: ReturnType<typeof ingestionService>;
  capabilities: ReturnType<typeof capabilityCheck>;
}

export function createServices(db: Db, temporal: TemporalTarget): Services {
  const journeys = journeyService(db);
  const enrollments = enrollmentService(db, journeys, temporal);
  return {
    db,
    journeys,
    enrollments,
    ingestion: ingestionService(db, journeys, enrollments),
    capabilities: capabilityCheck(db, temporal.taskQueue),
  };
}

const DEFAULT_EDITOR_DIR = resolve(import.meta.dirname, '../../editor/dist');

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 5 * 1024 * 1024,
    // Signed unsubscribe and tracking tokens travel as path parameters.
    routerOptions: { maxParamLength: 2048 },
    ajv: { customOptions: { strict: false, removeAdditional: false, allErrors: false } },
  });
  const services = createServices(options.db, options.temporal);
  registerErrorHandling(app);
  registerAuth(app, options.db);

  app.addHook('onRoute', (route) => {
    const config = route.config as FastifyContextConfig | undefined;
    if (!route.url.startsWith('/v1')) {
      route.config = { ...config, public: true };
    } else if (!config?.capability && !config?.public) {
      throw new Error(`Route ${route.method} ${route.url} must declare a capability or public: true`);
    }
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Itinera API',
        version: '0.1.0',
        description: 'Durable customer journeys: journeys, ingestion, customers, enrollments.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/health', { config: { public: true }, schema: { hide: true } }, () => ({ ok: true }));
  await app.register(
    async (v1) => {
      for (const routes of [
        journeyRoutes,
        ingestionRoutes,
        customerRoutes,
        enrollmentRoutes,
        promoCodeRoutes,
        templateRoutes,
        deliveryRoutes,
      ])
        await routes(v1, services);
      await metaRoutes(v1);
    },
    { prefix: '/v1' },
  );

  await app.register(async (links) => linkRoutes(links, services));

  const editorDir = options.editorDir ?? DEFAULT_EDITOR_DIR;
  const serveEditor = existsSync(resolve(editorDir, 'index.html'));
  if (serveEditor) await app.register(fastifyStatic, { root: editorDir, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const isApi =
      request.url.startsWith('/v1') || request.url.startsWith('/docs') || request.method !== 'GET';
    if (serveEditor && !isApi) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(notFoundBody(request.method, request.url));
  });
  app.decorate('services', services);
  return app;
}
