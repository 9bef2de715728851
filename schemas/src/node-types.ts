import type { Static, TSchema } from '@sinclair/typebox';
import type { EventMatcher } from './filters.ts';
import type { JourneyGraph } from './graph.ts';

export interface OutputPort {
  id: string;
  label: string;
}

/** Palette groups; custom node types may use their own. */
export type NodeCategory = 'trigger' | 'timing' | 'logic' | 'action' | 'goal' | 'exit' | (string & {});

/**
 * `trigger`: the journey's single entry point.
 * `goal`: a journey-wide listener; when its event happens the customer exits as converted from wherever they are.
 * `step`: everything else.
 */
export type NodeRole = 'trigger' | 'goal' | 'step';

/** A callback taking the node's config, checked bivariantly so a typed definition is a `NodeTypeDefinition`. */
type ConfigFn<C, R> = { bivarianceHack(config: C): R }['bivarianceHack'];

export interface NodeTypeDefinition<S extends TSchema = TSchema> {
  type: string;
  title: string;
  category: NodeCategory;
  description: string;
  /** A short glyph (emoji) shown in the palette and on the canvas. */
  icon: string;
  role?: NodeRole;
  configSchema: S;
  defaultConfig: Static<S>;
  /** Output ports, fixed or derived from the node's config (split branches). Empty = terminal node. */
  ports: readonly OutputPort[] | ConfigFn<Static<S>, OutputPort[]>;
  /** True when the node can hold a customer for a while; only such nodes may close a loop. */
  canWait?: boolean;
  /**
   * The customer events this node reacts to (its goal or its `waitForEvent` matchers); the engine signals a
   * waiting customer only with events some node of the journey listens for. `'all'` receives every event.
   * Undeclared: a node that `canWait` is assumed to listen to all events, any other node to none.
   */
  listensFor?: ConfigFn<Static<S>, EventMatcher[] | 'all'>;
  /** Checks the schema cannot express; return readable messages. */
  validate?(config: Static<S>, graph: JourneyGraph): string[];
}

export function portsOf(definition: NodeTypeDefinition, config: unknown): OutputPort[] {
  const { ports } = definition;
  return typeof ports === 'function' ? ports(config as never) : [...ports];
}

export class NodeTypeRegistry {
  readonly #types = new Map<string, NodeTypeDefinition>();

  register<S extends TSchema>(definition: NodeTypeDefinition<S>): NodeTypeDefinition<S> {
    if (!/^[a-z][a-z0-9_]*$/.test(definition.type)) {
      throw new Error(`Node type name "${definition.type}" must be snake_case letters and digits`);
    }
    const existing = this.#types.get(definition.type);
    if (existing && existing !== (definition as unknown)) {
      throw new Error(`Node type "${definition.type}" is already registered`);
    }
    this.#types.set(definition.type, definition as unknown as NodeTypeDefinition);
    return definition;
  }

  get(type: string): NodeTypeDefinition | undefined {
    return this.#types.get(type);
  }

  list(): NodeTypeDefinition[] {
    return [...this.#types.values()];
  }
}

/** The process-wide registry: built-in and custom node types register here alike. */
export const nodeTypes = new NodeTypeRegistry();

export function defineNodeType<S extends TSchema>(definition: NodeTypeDefinition<S>): NodeTypeDefinition<S> {
  return nodeTypes.register(definition);
}
