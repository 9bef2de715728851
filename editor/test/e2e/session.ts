import { existsSync, mkdirSync } from 'node:fs';
import type { Role } from '@itinera/schemas';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM, launchChromium } from '../../../test/support/browser.ts';
import { devServerHarness, type Harness } from '../../../test/support/harness.ts';
import { SCREENSHOTS, serveEditor } from './servers.ts';

const hasChromium = existsSync(CHROMIUM);
/** Without Chromium a developer's run skips the browser tests; CI never does: there they fail at launch. */
export const skipWithoutChromium = !hasChromium && process.env.CI !== 'true';
if (skipWithoutChromium)
  console.warn(`Skipping editor e2e tests: ${CHROMIUM} is missing (apt-get install chromium).`);

export const T = (id: string) => `[data-testid="${id}"]`;

export interface EditorSession {
  h: Harness;
  browser: Browser;
  url: string;
  /** Console errors and uncaught exceptions of every page opened. */
  consoleErrors: string[];
  /** A fresh browser context (own storage) at 1280x800, signed in with the role's key. */
  signedIn(role?: Role): Promise<Page>;
  close(): Promise<void>;
}

/** The real API and worker (or the harness given), the built editor served like production, and Chromium. */
export async function startEditorSession(
  makeHarness: () => Promise<Harness> = () => devServerHarness({}),
): Promise<EditorSession> {
  const h = await makeHarness();
  const apiUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const editor: { url: string; server: PreviewServer } = await serveEditor(apiUrl);
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const consoleErrors: string[] = [];
  return {
    h,
    browser,
    url: editor.url,
    consoleErrors,
    async signedIn(role = 'marketer') {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      page.on(
        'response',
        (r) => r.status() >= 500 && consoleErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`),
      );
      await page.goto(editor.url);
      await page.fill(T('api-key'), h.keys[role]);
      await page.click(T('sign-in'));
      await page.locator(T('who')).waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await editor.server.close();
      await h.close();
    },
  };
}

/** Waits until an element matching the selector contains the text. */
export const hasText = (page: Page, selector: string, text: string, timeout = 10_000) =>
  page.locator(selector, { hasText: text }).first().waitFor({ timeout });

/** Starts a session before the file's tests and closes it after; the object is filled in by then. */
export function sharedEditorSession(makeHarness?: () => Promise<Harness>): EditorSession {
  const session = {} as EditorSession;
  beforeAll(async () => {
    Object.assign(session, await startEditorSession(makeHarness));
  }, 180_000);
  afterAll(async () => {
    await session.close?.();
  });
  return session;
}
