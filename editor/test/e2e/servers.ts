import { createServer } from 'node:net';
import path from 'node:path';
import { build, type PreviewServer, preview } from 'vite';

const EDITOR_ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(EDITOR_ROOT, 'vite.config.ts');

export const SCREENSHOTS = path.resolve(EDITOR_ROOT, '../.artifacts/screenshots');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Builds the editor and serves the bundle with /v1 proxied to the API, like production. */
export async function serveEditor(apiUrl: string): Promise<{ url: string; server: PreviewServer }> {
  const outDir = path.resolve(EDITOR_ROOT, '../.artifacts/e2e-editor');
  await build({
    root: EDITOR_ROOT,
    configFile: CONFIG,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  const port = await freePort();
  const server = await preview({
    root: EDITOR_ROOT,
    configFile: CONFIG,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, proxy: { '/v1': apiUrl, '/health': apiUrl } },
  });
  return { url: `http://127.0.0.1:${port}`, server };
}
