export interface StepRow {
  after: string;
  event: string;
  /** JSON object text; empty means no properties. */
  properties: string;
}

const FIELDS: [keyof StepRow, string, string][] = [
  ['after', 'after', '1 day'],
  ['event', 'event', 'event name'],
  ['properties', 'properties (JSON)', '{"amount": 40}'],
];

export const emptyStep = (): StepRow => ({ after: '1 day', event: '', properties: '' });

/** The scenario's events at simulated times, one editable row each. */
export function ScenarioSteps({ steps, onChange }: { steps: StepRow[]; onChange(steps: StepRow[]): void }) {
  const set = (i: number, patch: Partial<StepRow>) =>
    onChange(steps.map((step, j) => (j === i ? { ...step, ...patch } : step)));
  return (
    <div className="test-run-steps">
      {steps.map((step, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <div className="test-run-step" key={i} data-testid="test-run-step">
          {FIELDS.map(([field, label, placeholder]) => (
            <input
              key={field}
              aria-label={`Step ${i + 1}: ${label}`}
              data-testid={`test-run-step-${field}`}
              value={step[field]}
              placeholder={placeholder}
              onChange={(e) => set(i, { [field]: e.target.value })}
            />
          ))}
          <button
            type="button"
            aria-label={`Remove step ${i + 1}`}
            onClick={() => onChange(steps.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" data-testid="test-run-add-step" onClick={() => onChange([...steps, emptyStep()])}>
        + Add event
      </button>
    </div>
  );
}

/** The rows as the API's steps; throws naming the row whose properties are not a JSON object. */
export function toScenarioSteps(steps: StepRow[]) {
  return steps.map((step, i) => {
    let properties: Record<string, unknown> | undefined;
    if (step.properties.trim()) {
      const parsed: unknown = JSON.parse(step.properties);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error(`Step ${i + 1}: properties must be a JSON object`);
      properties = parsed as Record<string, unknown>;
    }
    return { after: step.after.trim(), event: step.event.trim(), ...(properties ? { properties } : {}) };
  });
}
