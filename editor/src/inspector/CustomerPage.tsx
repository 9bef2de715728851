import type { CustomerEventRow, CustomerSummary, EnrollmentRow, MessageRow } from '../api/types.ts';
import { href } from '../app/router.ts';
import { CustomerSegments } from '../segments/CustomerSegments.tsx';
import { CustomerTime } from '../ui/CustomerTime.tsx';
import { formatValue } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';
import { DeliveryDecisions } from './DeliveryDecisions.tsx';
import { DeliveryReceipts } from './DeliveryReceipts.tsx';
import { MessagePreview } from './MessagePreview.tsx';
import { Subscriptions } from './Subscriptions.tsx';

function Section({
  title,
  error,
  children,
}: {
  title: string;
  error: string | null;
  children: React.ReactNode;
}) {
  return (
    <section className="card">
      <h2>{title}</h2>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

export function CustomerPage({ customerId }: { customerId: string }) {
  const base = `/v1/customers/${encodeURIComponent(customerId)}`;
  const profile = useApi<CustomerSummary>(base);
  const events = useApi<CustomerEventRow[]>(`${base}/events`);
  const enrollments = useApi<EnrollmentRow[]>(`${base}/enrollments`);
  const messages = useApi<MessageRow[]>(`${base}/messages`);
  useRefresh([profile.reload, events.reload, enrollments.reload, messages.reload]);
  const zone = profile.data?.traits.timezone;
  /** Times read in the customer's own timezone; the viewer's clock is in the tooltip. */
  const timezone = typeof zone === 'string' ? zone : null;
  return (
    <section className="page customer">
      <div className="page-head">
        <h1>
          <a href={href('customers')}>Customers</a> / {customerId}
        </h1>
      </div>
      <div className="grid-2">
        <Section title="Profile" error={profile.error}>
          {profile.data && (
            <dl className="traits" data-testid="traits">
              {Object.entries(profile.data.traits).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{formatValue(v)}</dd>
                </div>
              ))}
              {Object.entries(profile.data.computed ?? {}).map(([k, v]) => (
                <div key={`computed.${k}`} data-testid={`computed-${k}`}>
                  <dt>computed.{k}</dt>
                  <dd>{formatValue(v)}</dd>
                </div>
              ))}
              <div>
                <dt>first seen</dt>
                <dd>
                  <CustomerTime iso={profile.data.createdAt} timezone={timezone} />
                </dd>
              </div>
            </dl>
          )}
        </Section>
        <Section title="Enrollments" error={enrollments.error}>
          <table className="table" data-testid="enrollments">
            <thead>
              <tr>
                <th>Journey</th>
                <th>Version</th>
                <th>Status</th>
                <th>Current node</th>
                <th>Next wake-up</th>
              </tr>
            </thead>
            <tbody>
              {enrollments.data?.map((e) => (
                <tr key={e.id}>
                  <td>
                    <a href={href('enrollments', e.id)} data-testid={`enrollment-${e.id}`}>
                      {e.journeyName ?? e.journeyId}
                    </a>
                  </td>
                  <td>v{e.version}</td>
                  <td>
                    <span className={`status status-${e.status}`}>{e.status}</span>
                  </td>
                  <td>{e.currentNodeId ?? '—'}</td>
                  <td>
                    {e.waitingFor ? `waiting ${e.waitingFor}; ` : ''}
                    <CustomerTime iso={e.nextWakeAt} timezone={timezone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {enrollments.data?.length === 0 && <p className="muted">Not in any journey.</p>}
        </Section>
        <Section title="Recent events" error={events.error}>
          <ul className="rows" data-testid="events">
            {events.data?.map((e) => (
              <li key={e.messageId}>
                <strong>{e.event}</strong>{' '}
                <span className="muted">
                  <CustomerTime iso={e.timestamp} timezone={timezone} />
                </span>
                {Object.keys(e.properties ?? {}).length > 0 && <code>{JSON.stringify(e.properties)}</code>}
              </li>
            ))}
          </ul>
          {events.data?.length === 0 && <p className="muted">No events.</p>}
        </Section>
        <Section title="Messages" error={messages.error}>
          <ul className="rows" data-testid="messages">
            {messages.data?.map((m) => (
              <li key={m.id}>
                <strong>{m.channel}</strong> to {m.to}{' '}
                <span className="muted">
                  <CustomerTime iso={m.sentAt} timezone={timezone} />
                </span>
                {m.subject && <div className="wrap">{m.subject}</div>}
                <MessagePreview message={m} />
              </li>
            ))}
          </ul>
          {messages.data?.length === 0 && <p className="muted">No messages sent.</p>}
        </Section>
        <Section title="Segments" error={null}>
          <CustomerSegments customerId={customerId} timezone={timezone} />
        </Section>
        <Section title="Delivery receipts" error={null}>
          <DeliveryReceipts customerId={customerId} timezone={timezone} />
        </Section>
        <Section title="Subscriptions and consent" error={null}>
          <Subscriptions customerId={customerId} />
        </Section>
        <Section title="Why did (or didn't) they get a message?" error={enrollments.error}>
          {enrollments.data && <DeliveryDecisions enrollments={enrollments.data} />}
        </Section>
      </div>
    </section>
  );
}
