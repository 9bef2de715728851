import { Liquid } from 'liquidjs';
import type { JsonSchema } from '../graph/json-schema.ts';

/** Configured like the worker's engine (workers/src/activities/templates.ts), so errors match delivery. */
const engine = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  cache: 100,
});

export interface TemplateField {
  key: string;
  title: string;
  template: string;
}

export interface RenderedField extends TemplateField {
  text?: string;
  error?: string;
}

/** The config's top-level template fields (schema `x-widget: template`) that have a value. */
export function templateFields(schema: JsonSchema, config: Record<string, unknown>): TemplateField[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
    const value = config[key];
    return property['x-widget'] === 'template' && typeof value === 'string' && value.trim()
      ? [{ key, title: property.title ?? key, template: value }]
      : [];
  });
}

/** The context the worker renders a Send with, for a customer; trigger and event are unknown here. */
export function previewContext(
  customer: { customerId: string; traits: Record<string, unknown> },
  journey: { id: string; name: string },
): Record<string, unknown> {
  return {
    profile: { id: customer.customerId, ...customer.traits },
    customer_id: customer.customerId,
    trigger: null,
    event: null,
    journey,
    vars: {},
  };
}

/** Renders each field; a broken template yields a readable `error` instead of throwing. */
export function renderFields(
  fields: TemplateField[],
  context: Record<string, unknown>,
): Promise<RenderedField[]> {
  return Promise.all(
    fields.map(async (field) => {
      try {
        return { ...field, text: await engine.parseAndRender(field.template, context) };
      } catch (error) {
        return { ...field, error: readableError(error) };
      }
    }),
  );
}

/** liquidjs messages end with a source excerpt and a stack; the first line says what is wrong. */
function readableError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'The template could not be rendered';
}
