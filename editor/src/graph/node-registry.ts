import '@itinera/nodes/definitions';
import { type NodeTypeDefinition, nodeTypes } from '@itinera/schemas';
import type { NodeTypeInfo } from '../api/types.ts';
import { fromJsonSchema, type JsonSchema } from './json-schema.ts';

/** Builds a definition for a node type known only from the server's /v1/node-types JSON. */
export function definitionFromInfo(info: NodeTypeInfo): NodeTypeDefinition {
  return {
    type: info.type,
    title: info.title || info.type,
    category: info.category || 'custom',
    description: info.description ?? '',
    icon: info.icon || '🧩',
    role: info.role,
    canWait: info.canWait,
    configSchema: fromJsonSchema(info.configSchema as JsonSchema),
    defaultConfig: info.defaultConfig ?? {},
    ports: (info.ports ?? []).map((p) => ({ id: p.id, label: p.label ?? p.id })),
  };
}

/** Registers the server's node types the bundle does not know; returns the types registered. */
export function registerServerNodeTypes(list: NodeTypeInfo[]): string[] {
  const added: string[] = [];
  for (const info of list) {
    if (nodeTypes.get(info.type)) continue;
    try {
      nodeTypes.register(definitionFromInfo(info));
      added.push(info.type);
    } catch (error) {
      console.warn(
        `Skipping node type "${info.type}": ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return added;
}

export const CATEGORY_ORDER = ['trigger', 'timing', 'logic', 'action', 'goal', 'exit'];

/** Node types grouped by category, built-in categories first. */
export function paletteGroups(): [string, NodeTypeDefinition[]][] {
  const groups = new Map<string, NodeTypeDefinition[]>();
  for (const definition of nodeTypes.list()) {
    const list = groups.get(definition.category) ?? [];
    list.push(definition);
    groups.set(definition.category, list);
  }
  const rank = (c: string) =>
    CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length;
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export { nodeTypes };

/** Node types that can follow another step (everything but triggers and goals), in palette order. */
export function stepTypes(): NodeTypeDefinition[] {
  return paletteGroups()
    .flatMap(([, list]) => list)
    .filter((d) => (d.role ?? 'step') === 'step');
}

/** True when a lower-cased search text appears in the type's title, id, description or category. */
export function typeMatches(definition: NodeTypeDefinition, query: string): boolean {
  return [definition.title, definition.type, definition.description, definition.category].some((text) =>
    text?.toLowerCase().includes(query),
  );
}
