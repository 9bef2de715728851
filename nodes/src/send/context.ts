/** The variables a message template sees; the worker and the API's preview build them the same way. */
export interface TemplateContextInput {
  customerId: string;
  traits: Record<string, unknown>;
  journey?: { id: string; name: string };
  vars?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export function templateContext({
  customerId,
  traits,
  journey,
  vars = {},
  extra = {},
}: TemplateContextInput) {
  return {
    profile: { id: customerId, ...traits },
    customer_id: customerId,
    trigger: vars.trigger ?? null,
    event: vars.event ?? null,
    journey: journey ?? null,
    vars,
    ...extra,
  };
}
