import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';
import { fuzzed, type JsonSchema, pathValue, valid } from './support/schema-arbitrary.ts';

const SEED = 20_261_127;
const RUNS_PER_OPERATION = 25;

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

/** Requests for one operation: path, query (sometimes with stray keys) and body drawn from its schemas. */
function requests(path: string, op: Operation) {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valid(p.schema)])), {
    requiredKeys: [],
  });
  const strayQuery = fc.option(
    fc.tuple(fc.constantFrom('$where', 'a.b', 'status', 'limit', 'x'), fc.string()),
    {
      freq: 4,
    },
  );
  const body = op.requestBody?.content['application/json']?.schema;
  return fc.record({
    path: fc
      .tuple(...pathParams.map((p) => pathValue(p.schema)))
      .map((values) =>
        pathParams.reduce(
          (url, p, i) => url.replace(`{${p.name}}`, encodeURIComponent(String(values[i]))),
          path,
        ),
      ),
    query: fc.tuple(query, strayQuery).map(([q, stray]) => {
      const search = new URLSearchParams(
        Object.entries(q).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
      if (stray) search.append(stray[0], stray[1]);
      return search.toString();
    }),
    body: op.requestBody ? fuzzed(body) : fc.constant(undefined),
  });
}

describe('schema-driven fuzzing of every route in the OpenAPI document', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('declares a response schema for the success answer of every operation', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths as Record<string, Record<string, Operation>>))
      for (const [method, op] of Object.entries(methods)) {
        const success = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith('2'));
        if (!success) missing.push(`${method.toUpperCase()} ${path}`);
      }
    expect(missing).toEqual([]);
  });

  it(`answers ${RUNS_PER_OPERATION} generated requests per operation without a 5xx, every 4xx in the error shape`, async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const failures: string[] = [];
    let sent = 0;
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats.default(ajv);
    const contract = (op: Operation, status: number) =>
      op.responses?.[String(status)]?.content?.['application/json']?.schema;
    for (const [path, methods] of Object.entries(spec.paths as Record<string, Record<string, Operation>>)) {
      if (!path.startsWith('/v1')) continue;
      for (const [method, op] of Object.entries(methods)) {
        await fc.assert(
          fc.asyncProperty(requests(path, op), async (req) => {
            sent++;
            const response = await h.app.inject({
              method: method.toUpperCase() as 'GET',
              url: `${req.path}${req.query ? `?${req.query}` : ''}`,
              headers: { authorization: `Bearer ${h.keys.admin}` },
              ...(req.body === undefined
                ? {}
                : {
                    payload: JSON.stringify(req.body),
                    headers: { authorization: `Bearer ${h.keys.admin}`, 'content-type': 'application/json' },
                  }),
            });
            const status = response.statusCode;
            const bad = status >= 500 || (status >= 400 && !isErrorShape(safeJson(response.body)));
            const declared = status < 300 && status !== 204 ? contract(op, status) : undefined;
            if (declared && !ajv.validate(declared, safeJson(response.body)))
              failures.push(
                `${method.toUpperCase()} ${req.path} -> ${status} breaks its response schema: ${ajv.errorsText()}`,
              );
            if (bad)
              failures.push(
                `${method.toUpperCase()} ${req.path}?${req.query} ${JSON.stringify(req.body)?.slice(0, 300)} -> ${status} ${response.body.slice(0, 200)}`,
              );
            return true;
          }),
          { seed: SEED, numRuns: RUNS_PER_OPERATION },
        );
      }
    }
    console.log(`fuzz: ${sent} requests, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 300_000);
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
