import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, parsePayloadKey, temporalSettingsFromEnv } from '../../src/temporal/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'itinera-tls-'));
const pem = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const cert = pem('client.crt', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const key = pem('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
const ca = pem('ca.crt', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const base64Key = () => randomBytes(32).toString('base64');

describe('Temporal connection settings from the environment', () => {
  it('defaults to a local plaintext dev server', () => {
    const settings = temporalSettingsFromEnv({});
    expect(settings).toEqual({
      connection: { address: '127.0.0.1:7233' },
      namespace: 'default',
      taskQueue: 'itinera',
    });
  });

  it('Temporal Cloud with an API key turns TLS on', () => {
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
    });
    expect(settings.connection).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: true,
      apiKey: 'secret-key',
    });
    expect(settings.namespace).toBe('acme.a1b2c');
  });

  it('mTLS reads the client certificate, key, CA and server name from files', () => {
    const { connection } = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    expect(connection.tls).toEqual({
      clientCertPair: { crt: expect.any(Buffer), key: expect.any(Buffer) },
      serverRootCACertificate: expect.any(Buffer),
      serverNameOverride: 'frontend.temporal',
    });
    const tls = connection.tls as TLSConfig;
    expect(new TextDecoder().decode(tls.clientCertPair?.crt)).toContain('client');
    expect(new TextDecoder().decode(tls.serverRootCACertificate)).toContain('ca');
  });

  it('refuses half or contradictory TLS settings, naming the variable', () => {
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS_CERT: cert })).toThrow(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together',
    );
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS_CA: join(dir, 'missing.crt') })).toThrow(
      /^TEMPORAL_TLS_CA: cannot read .*missing\.crt \(ENOENT\)/,
    );
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS: 'off', TEMPORAL_TLS_CA: ca })).toThrow(
      'TEMPORAL_TLS is off',
    );
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS: '0', TEMPORAL_API_KEY: 'k' })).toThrow(
      'TEMPORAL_API_KEY is only sent over TLS',
    );
    expect(temporalSettingsFromEnv({ TEMPORAL_TLS: 'true' }).connection.tls).toBe(true);
  });

  it('a payload key sets an encrypting data converter; bad keys are refused without echoing them', () => {
    expect(temporalSettingsFromEnv({ ITINERA_PAYLOAD_KEY: `k1:${base64Key()}` }).dataConverter).toEqual({
      payloadCodecs: [expect.any(AesGcmPayloadCodec)],
    });
    expect(() => temporalSettingsFromEnv({ ITINERA_PAYLOAD_KEY: 'k1:c2hvcnQ=' })).toThrow(
      'ITINERA_PAYLOAD_KEY must hold a 32-byte AES-256 key in base64 (got 5 bytes)',
    );
    expect(() => temporalSettingsFromEnv({ ITINERA_PAYLOAD_OLD_KEYS: base64Key() })).toThrow(
      'ITINERA_PAYLOAD_OLD_KEYS is set without ITINERA_PAYLOAD_KEY',
    );
    expect(parsePayloadKey(`2026-q4:${base64Key()}`, 'X').id).toBe('2026-q4');
    expect(parsePayloadKey(base64Key(), 'X').id).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('AES-256-GCM payload codec', () => {
  const payload = {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode(JSON.stringify({ email: 'ada@example.com' })),
  };

  it('round-trips, hides the data, and decrypts with a rotated-out key by its id', async () => {
    const old = parsePayloadKey(`old:${base64Key()}`, 'X');
    const current = parsePayloadKey(`new:${base64Key()}`, 'X');
    const [sealed] = await new AesGcmPayloadCodec(old).encode([payload]);
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('ada@example.com');
    expect(new TextDecoder().decode(sealed.metadata!['encryption-key-id'])).toBe('old');

    const rotated = new AesGcmPayloadCodec(current, [old]);
    const [opened] = await rotated.decode([sealed]);
    expect(new TextDecoder().decode(opened.data!)).toBe(JSON.stringify({ email: 'ada@example.com' }));
    expect(new TextDecoder().decode(opened.metadata!.encoding)).toBe('json/plain');
    const [reSealed] = await rotated.encode([opened]);
    expect(new TextDecoder().decode(reSealed.metadata!['encryption-key-id'])).toBe('new');

    await expect(new AesGcmPayloadCodec(current).decode([sealed])).rejects.toThrow(
      'No payload key with id "old"',
    );
    expect(await rotated.decode([payload])).toEqual([payload]);
  });

  it('refuses a tampered payload', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKey(base64Key(), 'X'));
    const [sealed] = await codec.encode([payload]);
    const data = Buffer.from(sealed.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow();
  });
});
