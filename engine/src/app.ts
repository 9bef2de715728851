import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import '@itinera/nodes/definitions';
import Fastify, { type FastifyContextConfig, type FastifyInstance, type FastifySchema } from 'fastify';
import type { Db } from 'mongodb';
import { registerAuth } from './plugins/auth.ts';
import { notFoundBody, registerErrorHandling, sendError } from './plugins/errors.ts';
import { registerHealth } from './plugins/health.ts';
import { strictQueryStrings } from './plugins/query.ts';
import { refuseErasedCustomers } from './plugins/tombstones.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { broadcastRoutes } from './routes/broadcasts.ts';
import { computedRoutes } from './routes/computed.ts';
import { customerReceiptRoutes } from './routes/customer-receipts.ts';
import { customerRoutes } from './routes/customers.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { enrollmentRoutes } from './routes/enrollments.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { ingestionRoutes } from './routes/ingestion.ts';
import { journeyDocumentRoutes } from './routes/journey-documents.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { linkRoutes } from './routes/links.ts';
import { metaRoutes } from './routes/meta.ts';
import { migrationRoutes } from './routes/migrations.ts';
import { promoCodeRoutes } from './routes/promo-codes.ts';
import { receiptRoutes } from './routes/receipts.ts';
import { segmentImportRoutes } from './routes/segment-import.ts';
import { segmentSizeRoutes } from './routes/segment-sizes.ts';
import { segmentRoutes } from './routes/segments.ts';
import { templateRoutes } from './routes/templates.ts';
import { testRunRoutes } from './routes/test-runs.ts';
import { testSendRoutes } from './routes/test-send.ts';
import { type BroadcastService, broadcastService } from './services/broadcasts.ts';
import { capabilityCheck } from './services/capabilities.ts';
import { enrollmentService, type TemporalTarget } from './services/enrollments.ts';
import { type ErasureService, erasureService } from './services/erasure.ts';
import { ingestionService } from './services/ingestion.ts';
import { journeyService } from './services/journeys.ts';
import { migrationService } from './services/migrations.ts';
import { segmentClocks } from './services/segment-clocks.ts';
import { segmentEventEmitter } from './services/segment-events.ts';
import { type SegmentService, segmentService } from './services/segments.ts';
import { type TestRunTarget, testRunService } from './services/test-runs/index.ts';
import { scenarioService } from './services/test-runs/scenarios.ts';
import { testSendService } from './services/test-send.ts';

export interface AppOptions {
  db: Db;
  temporal: TemporalTarget;
  /** The time-skipping server test runs execute on; without it they answer 503. */
  testRuns?: TestRunTarget;
  /** Folder of the built editor; served at `/` when present. */
  editorDir?: string;
  logger?: boolean | object;
}

export interface Services {
  db: Db;
  journeys: ReturnType<typeof journeyService>;
  enrollments: ReturnType<typeof enrollmentService>;
  ingestion: ReturnType<typeof ingestionService>;
  erasure: ErasureService;
  capabilities: ReturnType<typeof capabilityCheck>;
  migrations: ReturnType<typeof migrationService>;
  testRuns: ReturnType<typeof testRunService>;
  scenarios: ReturnType<typeof scenarioService>;
  segments: SegmentService;
  broadcasts: BroadcastService;
  testSends: ReturnType<typeof testSendService>;
}

export function createServices(db: Db, temporal: TemporalTarget, testRunTarget?: TestRunTarget): Services {
  const journeys = journeyService(db);
  const testRuns = testRunService(db, journeys, testRunTarget);
  const enrollments = enrollmentService(db, journeys, temporal);
  const ingestion = ingestionService(db, journeys, enrollments);
  const emit = segmentEventEmitter({
    journeys,
    enrollments,
    ingestion,
    segmentsReactTo: (event) => segments.reactsTo(event),
  });
  const segments = segmentService(db, emit, segmentClocks(enrollments.router, temporal));
  ingestion.addRouteStep(segments.onEvent);
  ingestion.computed.onBackfilled(segments.recomputeReaders);
  return {
    segments,
    db,
    journeys,
    enrollments,
    ingestion,
    erasure: erasureService(db, temporal, enrollments),
    capabilities: capabilityCheck(db, temporal.taskQueue),
    migrations: migrationService(db, journeys, enrollments.router, temporal),
    testRuns,
    scenarios: scenarioService(db, testRuns),
    broadcasts: broadcastService(db, journeys, temporal, enrollments.router.bounded),
    testSends: testSendService(db, journeys, temporal),
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
    // Bad URL encoding and over-long parameters get the same error shape as everything else.
    frameworkErrors: sendError,
  });
  const services = createServices(options.db, options.temporal, options.testRuns);
  registerErrorHandling(app);
  // Response schemas document the API and are checked by the contract tests; answers are sent as they
  // are, so a field the schema does not list yet is never silently dropped.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerHealth(app, options.db, () => options.temporal.client);
  registerAuth(app, options.db);
  refuseErasedCustomers(app, services.erasure);

  app.addHook('onRoute', (route) => {
    const config = route.config as FastifyContextConfig | undefined;
    if (!route.url.startsWith('/v1')) {
      route.config = { ...config, public: true };
    } else if (!config?.capability && !config?.public) {
      throw new Error(`Route ${route.method} ${route.url} must declare a capability or public: true`);
    }
    if (route.url.startsWith('/v1')) {
      const capability = config?.capability ?? 'public';
      route.schema = strictQueryStrings({ ...route.schema, 'x-capability': capability } as FastifySchema);
    }
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
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

  await app.register(
    async (v1) => {
      for (const routes of [
        journeyRoutes,
        journeyDocumentRoutes,
        ingestionRoutes,
        customerRoutes,
        enrollmentRoutes,
        promoCodeRoutes,
        templateRoutes,
        deliveryRoutes,
        apiKeyRoutes,
        migrationRoutes,
        experimentRoutes,
        analyticsRoutes,
        testRunRoutes,
        testSendRoutes,
        segmentRoutes,
        computedRoutes,
        broadcastRoutes,
        segmentImportRoutes,
        segmentSizeRoutes,
        customerReceiptRoutes,
      ])
        await routes(v1, services);
      await metaRoutes(v1);
    },
    { prefix: '/v1' },
  );

  await app.register(async (links) => linkRoutes(links, services));
  await app.register(async (receipts) => receiptRoutes(receipts, services));

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
