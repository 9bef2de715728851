import { type Capability, roleCan } from '@itinera/schemas';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage, setUnauthorizedHandler, storeApiKey, storedApiKey } from '../api/client.ts';
import type { Me, NodeTypeInfo } from '../api/types.ts';
import { registerServerNodeTypes } from '../graph/node-registry.ts';
import { ErrorBoundary } from '../ui/ErrorBoundary.tsx';
import { ServiceBanner } from '../ui/ServiceBanner.tsx';
import { Routes } from './Routes.tsx';
import { href, useRoute } from './router.ts';
import { SignIn } from './SignIn.tsx';
import { type Session, SessionContext } from './session.tsx';

/** Settings pages, shown to the roles that may at least read what each one shows. */
const SETTINGS_PAGES: { id: string; title: string; capability: Capability }[] = [
  { id: 'delivery', title: 'Delivery', capability: 'customers:read' },
  { id: 'templates', title: 'Templates', capability: 'journeys:read' },
  { id: 'promo-pools', title: 'Promo pools', capability: 'journeys:read' },
  { id: 'api-keys', title: 'API keys', capability: 'keys:manage' },
];

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => storedApiKey() !== null);
  const [notice, setNotice] = useState<string | undefined>();
  const route = useRoute();

  const signOut = useCallback((message?: string) => {
    storeApiKey(null);
    setMe(null);
    setNotice(message);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your session expired; sign in again.'));
    return () => setUnauthorizedHandler(null);
  }, [signOut]);

  useEffect(() => {
    if (!storedApiKey()) return;
    api<Me>('/v1/me')
      .then(setMe)
      .catch((e) => setNotice(errorMessage(e)))
      .finally(() => setChecking(false));
  }, []);

  // Custom node types known to the server join the shared registry before any journey renders.
  const [typesReady, setTypesReady] = useState(false);
  useEffect(() => {
    if (!me) return;
    api<NodeTypeInfo[]>('/v1/node-types')
      .then(registerServerNodeTypes)
      .catch((e) => setNotice(`Could not load custom node types: ${errorMessage(e)}`))
      .finally(() => setTypesReady(true));
  }, [me]);

  const session = useMemo<Session | null>(
    () => (me ? { ...me, signOut: () => signOut() } : null),
    [me, signOut],
  );

  if (checking) return <p className="loading">Loading…</p>;
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key, value) => {
          storeApiKey(key);
          setNotice(undefined);
          setMe(value);
        }}
      />
    );
  }
  const section =
    route[0] === 'settings'
      ? 'settings'
      : route[0] === 'customers' || route[0] === 'enrollments'
        ? 'customers'
        : route[0] === 'experiments' || route[0] === 'segments' || route[0] === 'broadcasts'
          ? route[0]
          : 'journeys';
  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <header className="topbar">
          <strong className="brand">Itinera</strong>
          <nav>
            <a href={href('journeys')} aria-current={section === 'journeys' ? 'page' : undefined}>
              Journeys
            </a>
            <a
              href={href('customers')}
              aria-current={section === 'customers' ? 'page' : undefined}
              data-testid="nav-customers"
            >
              Customers
            </a>
            <a
              href={href('experiments')}
              aria-current={section === 'experiments' ? 'page' : undefined}
              data-testid="nav-experiments"
            >
              Experiments
            </a>
            {(['segments', 'broadcasts'] as const).map((page) => (
              <a
                key={page}
                href={href(page)}
                aria-current={section === page ? 'page' : undefined}
                data-testid={`nav-${page}`}
              >
                {page === 'segments' ? 'Segments' : 'Broadcasts'}
              </a>
            ))}
            {SETTINGS_PAGES.filter((p) => roleCan(session.role, p.capability)).map((p) => (
              <a
                key={p.id}
                href={href('settings', p.id)}
                aria-current={route[0] === 'settings' && route[1] === p.id ? 'page' : undefined}
                data-testid={`nav-${p.id}`}
              >
                {p.title}
              </a>
            ))}
          </nav>
          <span className="who" data-testid="who">
            {session.name} · {session.role}
          </span>
          <button type="button" onClick={session.signOut}>
            Sign out
          </button>
        </header>
        <ServiceBanner />
        <div className="content">
          <ErrorBoundary resetKey={route.join('/')}>
            {typesReady ? <Routes route={route} /> : <p className="loading">Loading node types…</p>}
          </ErrorBoundary>
        </div>
      </div>
    </SessionContext.Provider>
  );
}
