import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  devServerHarness,
  eventually,
  type Harness,
  timeSkippingHarness,
} from '../../../test/support/harness.ts';
import { devServerClient } from '../../../test/support/servers.ts';
import { HISTORIES_DIR, saveHistories } from './fixtures.ts';
import { journeys } from './scenarios.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
/** Where this recording goes: histories/$ITINERA_HISTORY_SET, or histories/v<workers version>. */
export const setDir = join(HISTORIES_DIR, process.env.ITINERA_HISTORY_SET ?? `v${version}`);
export const overwrite = process.env.ITINERA_OVERWRITE_HISTORIES === '1';

export interface Enrollment {
  id: string;
  status: string;
  version: number;
  currentNodeId: string | null;
  waitingFor: string | null;
  nextWakeAt: string | null;
}

/** Reads enrollments through the API and saves the history of one that ended into the set. */
export function recorder(h: () => Harness, client: () => Client) {
  const enrollments = async (customerId: string) =>
    (await h().call<Enrollment[]>('GET', `/v1/customers/${customerId}/enrollments`)).body;
  return {
    enrollments,
    /** Waits until the customer's (only or given) enrollment waits at a node, and returns it. */
    async waiting(customerId: string, match = (_: Enrollment) => true): Promise<Enrollment> {
      return eventually(async () => (await enrollments(customerId)).find((e) => e.waitingFor && match(e)));
    },
    /** Waits until the enrollment ended with `status`, then saves its history as `<name>.json`. */
    async save(name: string, customerId: string, status: string, enrollmentId?: string) {
      const ended = await eventually(async () =>
        (await enrollments(customerId)).find(
          (e) => (enrollmentId === undefined || e.id === enrollmentId) && e.status !== 'active',
        ),
      );
      expect(ended.status).toBe(status);
      const files = await saveHistories(client(), setDir, name, ended.id, overwrite);
      console.log(`recorded ${files.join(', ')}`);
    },
  };
}

export async function publishAll(h: Harness, names: string[]) {
  for (const name of names) await h.publish(journeys[name], name);
}

/** Inside a describe block: a harness on the dev server for its tests, publishing the named scenarios first. */
export function devServerRecording(published: string[] = []) {
  let h: Harness;
  let temporal: Awaited<ReturnType<typeof devServerClient>>;
  beforeAll(async () => {
    h = await devServerHarness();
    temporal = await devServerClient();
    await publishAll(h, published);
  });
  afterAll(async () => {
    await h?.close();
    await temporal?.connection.close();
  });
  return {
    r: recorder(
      () => h,
      () => temporal.client,
    ),
    get h() {
      return h;
    },
    get client() {
      return temporal.client;
    },
  };
}

/** Inside a describe block: a harness on the time-skipping server, publishing the named scenarios first. */
export function timeSkippingRecording(published: string[] = []) {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    // The API hosts the migration driver's activities (the version-move scenario starts one).
    h = await timeSkippingHarness({ apiActivities: true });
    await publishAll(h, published);
  });
  afterAll(async () => {
    await h?.close();
  });
  return {
    r: recorder(
      () => h,
      () => h.env.client,
    ),
    get h() {
      return h;
    },
  };
}
