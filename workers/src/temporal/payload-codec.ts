import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const CIPHER = 'AES256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/**
 * Encrypts every payload (workflow inputs, signals, activity arguments and results) with AES-256-GCM
 * before it reaches Temporal, so history holds no readable customer data. The key id travels in the
 * payload's metadata: a new key encrypts from now on while older keys still decrypt what they wrote.
 * Unencrypted payloads (written before a key was set) pass through.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly current: PayloadKey,
    previous: PayloadKey[] = [],
  ) {
    this.keys = new Map([...previous, current].map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = ProtoPayload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: utf8(ENCODING),
          'encryption-cipher': utf8(CIPHER),
          'encryption-key-id': utf8(this.current.id),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload;
      const keyId = text(payload.metadata?.['encryption-key-id']) ?? '';
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`No payload key with id "${keyId}" (set it in ITINERA_PAYLOAD_OLD_KEYS)`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return ProtoPayload.decode(plain) as Payload;
    });
  }
}

/**
 * Reads a key written as `<id>:<base64 of 32 bytes>` or just the base64 (its id is then derived from it).
 * `variable` names the environment variable in errors; the key itself is never echoed.
 */
export function parsePayloadKey(value: string, variable: string): PayloadKey {
  const separator = value.lastIndexOf(':');
  const encoded = separator >= 0 ? value.slice(separator + 1) : value;
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32)
    throw new Error(`${variable} must hold a 32-byte AES-256 key in base64 (got ${key.length} bytes)`);
  const id =
    separator >= 0
      ? value.slice(0, separator).trim()
      : createHash('sha256').update(key).digest('hex').slice(0, 8);
  if (!/^[\w.-]{1,64}$/.test(id))
    throw new Error(`${variable}: key id "${id}" must be 1-64 of [A-Za-z0-9_.-]`);
  return { id, key };
}
