import { type FS, Liquid } from 'liquidjs';
import { registerFilters } from './filters.ts';

const refused = (file: string): never => {
  throw new Error(`templates cannot read files ("${file}")`);
};
/** No file system at all: `{% include %}`, `{% render %}` and `{% layout %}` find nothing. */
const noFiles: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => refused(file),
  readFileSync: (file) => refused(file),
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};

/**
 * Sandboxed: no file access, own properties only, unknown filters are errors, bounded parse/render time,
 * memory and output.
 */
const engine = new Liquid({
  fs: noFiles,
  root: [],
  partials: [],
  layouts: [],
  relativeReference: false,
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
