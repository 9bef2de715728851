export interface StepRow {
  after: string;
  event: string;
  /** JSON object text; empty means no properties. */
  properties: string;
}

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
          <input
            aria-label={`Step ${i + 1}: after`}
            data-testid="test-run-step-after"
            value={step.after}
            placeholder="1 day"
            onChange={(e) => set(i, { after: e.target.value })}
          />
          <input
            aria-label={`Step ${i + 1}: event`}
            data-testid="test-run-step-event"
            value={step.event}
            placeholder="event name"
            onChange={(e) => set(i, { event: e.target.value })}
          />
          <input
            aria-label={`Step ${i + 1}: properties (JSON)`}
            data-testid="test-run-step-properties"
            value={step.properties}
            placeholder='{"amount": 40}'
            onChange={(e) => set(i, { properties: e.target.value })}
          />
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
