// Which backend the embedded FerretDB runs on (scripts/lib/mongo.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedBackend } from '../scripts/lib/servers.mjs';

const saved = process.env.ITINERA_EMBEDDED_BACKEND;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.ITINERA_EMBEDDED_BACKEND;
  else process.env.ITINERA_EMBEDDED_BACKEND = saved;
});

function storeDir(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itinera-backend-'));
  made.push(dir);
  for (const f of files) fs.mkdirSync(path.join(dir, f), { recursive: true });
  return dir;
}

describe('embedded backend', () => {
  it('is PostgreSQL for a new store, and for a store that already has PostgreSQL data', () => {
    delete process.env.ITINERA_EMBEDDED_BACKEND;
    expect(embeddedBackend(storeDir([])).backend).toBe('postgresql');
    expect(embeddedBackend(storeDir(['postgres', 'itinera.sqlite'])).backend).toBe('postgresql');
  });

  it('keeps an existing SQLite store on SQLite rather than starting an empty one', () => {
    delete process.env.ITINERA_EMBEDDED_BACKEND;
    const dir = storeDir(['itinera.sqlite']);
    expect(embeddedBackend(dir)).toEqual({ backend: 'sqlite', why: `existing SQLite store in ${dir}` });
  });

  it('follows ITINERA_EMBEDDED_BACKEND and names the allowed values when it is wrong', () => {
    process.env.ITINERA_EMBEDDED_BACKEND = 'sqlite';
    expect(embeddedBackend(storeDir([])).backend).toBe('sqlite');
    process.env.ITINERA_EMBEDDED_BACKEND = 'mysql';
    expect(() => embeddedBackend(storeDir([]))).toThrow(
      /ITINERA_EMBEDDED_BACKEND must be one of postgresql, sqlite/,
    );
  });
});
