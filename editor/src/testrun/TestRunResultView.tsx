import type { TestRunResult } from '@itinera/schemas';

const DAY_MS = 86_400_000;

function elapsed(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.round((ms % DAY_MS) / 3_600_000);
  return days > 0 ? `${days} d ${hours} h` : `${hours} h`;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One run's outcome: status, simulated clock, the timeline with reasons and each rendered message. */
export function TestRunResultView({ result }: { result: TestRunResult }) {
  return (
    <div className="test-run-result" data-testid="test-run-result">
      <p>
        <strong data-testid="test-run-status">{result.status}</strong>: {result.reason}
      </p>
      <p className="muted" data-testid="test-run-clock">
        Simulated clock: {when(result.clock.startedAt)} → {when(result.clock.endedAt)} (
        {elapsed(result.clock.elapsedMs)})
      </p>
      <p data-testid="test-run-path">Path: {result.path.join(' → ')}</p>
      <h4>Timeline</h4>
      <ol className="test-run-timeline" data-testid="test-run-timeline">
        {result.timeline.map((step) => (
          <li key={`${step.nodeId}:${step.visit}`}>
            <span className="muted">{when(step.at)}</span> <strong>{step.nodeId}</strong> {step.outcome}:{' '}
            {step.reason}
          </li>
        ))}
      </ol>
      <h4>Messages</h4>
      {result.messages.length === 0 && <p className="muted">No message would be sent.</p>}
      {result.messages.map((m) => (
        <article className="test-run-message" key={`${m.nodeId}:${m.at}`} data-testid="test-run-message">
          <header>
            {m.channel} · {m.status} {m.to ? `to ${m.to}` : ''} <span className="muted">{when(m.at)}</span>
          </header>
          {m.subject && <strong>{m.subject}</strong>}
          {m.body ? <pre>{stripHtml(m.body)}</pre> : <p className="muted">{m.detail}</p>}
        </article>
      ))}
    </div>
  );
}

/** Email bodies are HTML: show their text (tracking pixels and markup are not what a reviewer reads). */
function stripHtml(body: string): string {
  return new DOMParser().parseFromString(body, 'text/html').body.textContent ?? body;
}
