/** Browser-safe template pieces (no Node built-ins): the editor's live preview renders exactly like delivery. */
export { type TemplateContextInput, templateContext } from './context.ts';
export { renderTemplate, TemplateError } from './render.ts';
