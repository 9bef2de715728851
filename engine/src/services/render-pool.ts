import { availableParallelism } from 'node:os';
import { TemplateError } from '@itinera/nodes/templates';
import { Piscina } from 'piscina';
import { HttpError } from '../plugins/errors.ts';

const WORKER = new URL('./render-worker.mjs', import.meta.url).href;
const DEFAULT_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));
/** Renders waiting for a thread beyond this many are refused with a 503 instead of piling up. */
const DEFAULT_MAX_QUEUE = Number(process.env.ITINERA_RENDER_QUEUE ?? 32);

type Rendered = { ok: true; output: string } | { ok: false; message: string };

/**
 * A pool of worker threads for Liquid rendering, so a heavy template preview never delays ingestion
 * or other requests on the API's event loop.
 */
export function renderPool({ threads = DEFAULT_THREADS, maxQueue = DEFAULT_MAX_QUEUE } = {}) {
  const pool = new Piscina({ filename: WORKER, minThreads: 1, maxThreads: threads, maxQueue });
  const full = () => new HttpError(503, 'Too many previews are being rendered; retry shortly', 'preview');
  return {
    async render(template: string, context: Record<string, unknown>): Promise<string> {
      if (pool.queueSize >= maxQueue) throw full();
      const result = (await pool.run({ template, context }).catch((error: Error) => {
        throw /queue is at limit/i.test(error.message) ? full() : error;
      })) as Rendered;
      if (!result.ok) throw new TemplateError(result.message);
      return result.output;
    },
    close: () => pool.destroy(),
  };
}

export type RenderPool = ReturnType<typeof renderPool>;
