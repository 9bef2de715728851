import { Liquid } from 'liquidjs';
import { registerFilters } from './filters.ts';

/** Sandboxed: own properties only, unknown filters are errors, bounded parse/render time and memory. */
const engine = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  cache: 500,
});
registerFilters(engine);

const MAX_OUTPUT = 200_000;

export class TemplateError extends Error {}

export async function renderTemplate(template: string, context: Record<string, unknown>): Promise<string> {
  try {
    const output = await engine.parseAndRender(template, context);
    if (output.length > MAX_OUTPUT) throw new TemplateError(`output longer than ${MAX_OUTPUT} characters`);
    return output;
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError((error as Error).message);
  }
}
