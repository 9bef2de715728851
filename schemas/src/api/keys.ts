import { type Static, Type } from '@sinclair/typebox';
import { ROLES } from '../api-keys.ts';

/** Request and response contracts of /v1/api-keys, shared by the API and the editor. */
export const RoleSchema = Type.Union(
  ROLES.map((role) => Type.Literal(role)),
  { description: 'What the key may do; see the README role table' },
);

export const ApiKeyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Who or what uses the key' }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);
export type ApiKeyInput = Static<typeof ApiKeyInput>;

export const ApiKeySummary = Type.Object({
  id: Type.String({ description: 'Stable id for revoking; not a secret' }),
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Recorded at most once a minute',
  }),
});
export type ApiKeySummary = Static<typeof ApiKeySummary>;

export const CreatedApiKey = Type.Composite([
  ApiKeySummary,
  Type.Object({ key: Type.String({ description: 'The secret; shown only in this answer' }) }),
]);
export type CreatedApiKey = Static<typeof CreatedApiKey>;
