// Runs in a worker thread of the render pool: renders one Liquid template, away from the API's event loop.
// Plain JavaScript so it loads with or without `--import tsx`. Run from src/, it registers tsx for the
// TypeScript it imports; the release build copies it to dist/, where it imports compiled JavaScript.
if (import.meta.url.includes('/src/')) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { renderTemplate, TemplateError } = await import('@itinera/nodes/templates');

/** @param {{ template: string, context: Record<string, unknown> }} task */
export default async function render({ template, context }) {
  try {
    return { ok: true, output: await renderTemplate(template, context) };
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, message: error.message };
    throw error;
  }
}
