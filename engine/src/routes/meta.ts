import { Me, NodeTypeInfo, nodeTypes, portsOf } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** Who am I, and which node types exist (built-in and custom), with their JSON Schemas for generated forms. */
export async function metaRoutes(app: FastifyInstance) {
  app.get(
    '/me',
    { config: { capability: 'customers:read' }, schema: { tags: ['meta'], response: { 200: Me } } },
    (req) => req.apiKey,
  );
  app.get(
    '/node-types',
    {
      config: { capability: 'journeys:read' },
      schema: { tags: ['meta'], response: { 200: Type.Array(NodeTypeInfo) } },
    },
    () =>
      nodeTypes.list().map((d) => ({
        type: d.type,
        title: d.title,
        category: d.category,
        description: d.description,
        icon: d.icon,
        role: d.role ?? 'step',
        canWait: d.canWait ?? false,
        configSchema: d.configSchema,
        defaultConfig: d.defaultConfig,
        ports: portsOf(d, d.defaultConfig),
        dynamicPorts: typeof d.ports === 'function',
      })),
  );
}
