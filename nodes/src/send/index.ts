/** What the API and the worker share about sending: template rendering and signed links. Not workflow code. */

export * from './channels.ts';
export { type TemplateContextInput, templateContext } from './context.ts';
export * from './links.ts';
export { renderTemplate, TemplateError } from './render.ts';
export { loadLinkSecret, publicBaseUrl } from './secret.ts';
export { subscriptionStore } from './subscriptions.ts';
export * from './suppressions.ts';
export * from './timing.ts';
