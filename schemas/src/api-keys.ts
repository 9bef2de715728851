export const ROLES = ['admin', 'marketer', 'support', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do; routes declare the capability they need. */
export const CAPABILITIES = {
  'journeys:read': ['admin', 'marketer', 'support'],
  'journeys:write': ['admin', 'marketer'],
  'customers:read': ['admin', 'marketer', 'support'],
  'enrollments:exit': ['admin', 'marketer', 'support'],
  'customers:write': ['admin', 'support'],
  'settings:write': ['admin', 'marketer'],
  'events:write': ['admin', 'ingest'],
  'keys:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

export function roleCan(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(role);
}
