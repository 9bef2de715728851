import type { SavedScenario, TestRunResult } from '@itinera/schemas';
import { useState } from 'react';
import { api, errorMessage, post, put } from '../api/client.ts';
import { useToast } from '../ui/toasts.tsx';
import { emptyStep, ScenarioSteps, type StepRow, toScenarioSteps } from './ScenarioSteps.tsx';
import { TestRunResultView } from './TestRunResultView.tsx';
import './test-run.css';

interface Props {
  journeyId: string;
  /** The published version on screen; the draft otherwise (saved first). */
  version?: number;
  beforeRun(): Promise<unknown>;
  /** The path of the latest run, highlighted on the canvas. */
  onPath(path: string[] | null): void;
  onClose(): void;
}

/**
 * Runs the journey on the time-skipping server for a real customer or a made-up profile, with scenario
 * events at simulated times, and saves a run as one of the journey's scenarios (checked on publish).
 */
export function TestRunPanel({ journeyId, version, beforeRun, onPath, onClose }: Props) {
  const toast = useToast();
  const [who, setWho] = useState<'profile' | 'customer'>('profile');
  const [customerId, setCustomerId] = useState('');
  const [traits, setTraits] = useState('{"email": "test@example.com", "first_name": "Test"}');
  const [steps, setSteps] = useState<StepRow[]>([emptyStep()]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<TestRunResult | null>(null);
  const [name, setName] = useState('');
  const base = `/v1/journeys/${encodeURIComponent(journeyId)}`;

  const request = () => {
    const parsed = who === 'profile' ? (JSON.parse(traits || '{}') as Record<string, unknown>) : null;
    return {
      ...(parsed ? { profile: { traits: parsed } } : { customerId: customerId.trim() }),
      steps: toScenarioSteps(steps.filter((s) => s.event.trim())),
    };
  };

  async function run() {
    setRunning(true);
    setError(null);
    try {
      const { steps: scenarioSteps, ...whom } = request();
      await beforeRun();
      const answer = await post<TestRunResult>(`${base}/test-runs`, {
        version: version ?? 'draft',
        ...whom,
        scenario: { steps: scenarioSteps },
      });
      setResult(answer);
      onPath(answer.path);
    } catch (e) {
      setError(errorMessage(e));
      onPath(null);
    } finally {
      setRunning(false);
    }
  }

  async function save() {
    if (!result || !name.trim()) return;
    try {
      const { scenarios } = await api<{ scenarios: SavedScenario[] }>(`${base}/scenarios`);
      const scenario = { name: name.trim(), ...request(), expect: { path: result.path } };
      const others = scenarios.filter((s) => s.name !== scenario.name);
      await put(`${base}/scenarios`, { scenarios: [...others, scenario] });
      toast.info(`Scenario "${scenario.name}" saved: publishing now checks it`);
      setName('');
    } catch (e) {
      toast.error(e);
    }
  }

  return (
    <section className="test-run-panel" data-testid="test-run-panel" aria-label="Test run">
      <header className="test-run-head">
        <h3>Test run {version ? `(v${version})` : '(draft)'}</h3>
        <button
          type="button"
          aria-label="Close test run"
          onClick={() => {
            onPath(null);
            onClose();
          }}
        >
          ×
        </button>
      </header>
      <fieldset className="test-run-who">
        <label>
          <input type="radio" checked={who === 'profile'} onChange={() => setWho('profile')} /> Made-up
          profile
        </label>
        <label>
          <input
            type="radio"
            data-testid="test-run-use-customer"
            checked={who === 'customer'}
            onChange={() => setWho('customer')}
          />{' '}
          Real customer
        </label>
      </fieldset>
      {who === 'profile' ? (
        <textarea
          aria-label="Profile traits (JSON)"
          data-testid="test-run-traits"
          rows={3}
          value={traits}
          onChange={(e) => setTraits(e.target.value)}
        />
      ) : (
        <input
          aria-label="Customer id"
          data-testid="test-run-customer"
          value={customerId}
          placeholder="customer id"
          onChange={(e) => setCustomerId(e.target.value)}
        />
      )}
      <p className="muted">Events after the customer enters (simulated time: "1 day", "36 hours", "P3D"):</p>
      <ScenarioSteps steps={steps} onChange={setSteps} />
      <button type="button" className="primary" data-testid="test-run-start" disabled={running} onClick={run}>
        {running ? 'Running…' : 'Run'}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="test-run-error">
          {error}
        </p>
      )}
      {result && (
        <>
          <TestRunResultView result={result} />
          <div className="test-run-save">
            <input
              aria-label="Scenario name"
              data-testid="test-run-scenario-name"
              value={name}
              placeholder="scenario name"
              onChange={(e) => setName(e.target.value)}
            />
            <button type="button" data-testid="test-run-save" disabled={!name.trim()} onClick={save}>
              Save as scenario
            </button>
          </div>
        </>
      )}
    </section>
  );
}
