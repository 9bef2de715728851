import type { TestSendRequest, TestSendResult } from '@itinera/schemas';
import { useId, useState } from 'react';
import { errorMessage, post } from '../api/client.ts';
import type { CustomerSummary } from '../api/types.ts';
import { CustomerOptions } from '../ui/CustomerOptions.tsx';
import { useApi } from '../ui/useApi.ts';
import { useDebounced } from '../ui/useDebounced.ts';

interface Props {
  journeyId: string;
  nodeId: string;
  channel: string;
}

/**
 * Sends the saved draft of this send node's message, rendered for a chosen customer, to the tester's own
 * address or phone through the configured provider. Marked as a test in the delivery records.
 */
export function TestSendSection({ journeyId, nodeId, channel }: Props) {
  const id = useId();
  const [to, setTo] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TestSendResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const typed = useDebounced(customerId.trim(), 250);
  const search = useApi<CustomerSummary[]>(`/v1/customers?search=${encodeURIComponent(typed)}`);
  if (channel !== 'email' && channel !== 'sms') return null;
  const isEmail = channel === 'email';

  const send = async () => {
    setSending(true);
    setError(null);
    setResult(null);
    const body: TestSendRequest = { nodeId, customerId: customerId.trim(), to: to.trim(), version: 'draft' };
    try {
      setResult(await post<TestSendResult>(`/v1/journeys/${encodeURIComponent(journeyId)}/test-send`, body));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="test-send" data-testid="test-send" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Send test</h3>
      <div className="field">
        <label htmlFor={`${id}-to`}>{isEmail ? 'Test email address' : 'Test phone number'}</label>
        <input
          id={`${id}-to`}
          type={isEmail ? 'email' : 'tel'}
          placeholder={isEmail ? 'you@company.com' : '+15551234567'}
          data-testid="test-send-to"
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-customer`}>Render for customer</label>
        <input
          id={`${id}-customer`}
          list={`${id}-customers`}
          autoComplete="off"
          placeholder="Customer id or email"
          data-testid="test-send-customer"
          value={customerId}
          onChange={(e) => setCustomerId(e.target.value)}
        />
        <CustomerOptions id={`${id}-customers`} customers={search.data} />
      </div>
      <button
        type="button"
        data-testid="test-send-button"
        disabled={sending || !to.trim() || !customerId.trim()}
        onClick={send}
      >
        {sending ? 'Sending…' : 'Send test'}
      </button>
      <p className="muted">Uses the saved draft. Not counted in analytics or frequency caps.</p>
      <div role="status" data-testid="test-send-result">
        {result && (
          <p className={result.status === 'sent' ? 'test-send-ok' : 'error'}>
            {result.status === 'sent' ? 'Sent: ' : 'Failed: '}
            {result.detail}
          </p>
        )}
        {error && <p className="error">{error}</p>}
      </div>
    </section>
  );
}
