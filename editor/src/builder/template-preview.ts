import { renderTemplate, templateContext } from '@itinera/nodes/templates';
import type { JsonSchema } from '../graph/json-schema.ts';

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

/** The context delivery renders with, for a customer; no trigger or event here. */
export function previewContext(
  customer: { customerId: string; traits: Record<string, unknown> },
  journey: { id: string; name: string },
): Record<string, unknown> {
  return templateContext({ customerId: customer.customerId, traits: customer.traits, journey });
}

/** Renders each field; a broken template yields a readable `error` instead of throwing. */
export function renderFields(
  fields: TemplateField[],
  context: Record<string, unknown>,
): Promise<RenderedField[]> {
  return Promise.all(
    fields.map(async (field) => {
      try {
        return { ...field, text: await renderTemplate(field.template, context) };
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
