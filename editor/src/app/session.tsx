import { type Capability, type Role, roleCan } from '@itinera/schemas';
import { createContext, useContext } from 'react';
import type { Me } from '../api/types.ts';

export interface Session extends Me {
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside of a signed-in app');
  return session;
}

export function useCan(capability: Capability): boolean {
  return roleCan(useSession().role as Role, capability);
}
