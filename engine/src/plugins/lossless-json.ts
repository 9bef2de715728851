import { RawNumber } from '@itinera/schemas';
import type { FastifyInstance } from 'fastify';
import { getUnsafeNumberReason, parse, stringify } from 'lossless-json';

/** A number a double would change (`1e400`, `12345678901234567890`) stays text; long decimals round as usual. */
function parseNumber(text: string): number | RawNumber {
  const reason = getUnsafeNumberReason(text);
  return reason === undefined || reason === 'truncate_float' ? Number(text) : new RawNumber(text);
}

/** Only bodies with a 16-digit run or a 3-digit exponent can hold such numbers; the rest keep the fast parser. */
const MAY_LOSE_DIGITS = /\d{16}|[eE][+-]?\d{3}/;

/**
 * JSON bodies in this scope keep numbers a double cannot hold as {@link RawNumber}s. The default parser
 * runs first, so prototype-poisoning checks and its error answers are unchanged. `text/plain` bodies are
 * read as JSON too: browsers' `sendBeacon` (analytics.js on page unload) sends them so.
 */
export function registerLosslessJsonBodies(app: FastifyInstance): void {
  const parseDefault = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string' },
    (request, body, done) => {
      parseDefault(request, body as string, (error, value) => {
        if (error || !MAY_LOSE_DIGITS.test(body as string)) return done(error, value);
        try {
          done(null, parse(body as string, null, parseNumber));
        } catch (cause) {
          done(
            Object.assign(new Error(`Body is not storable JSON: ${(cause as Error).message}`), {
              statusCode: 400,
            }),
          );
        }
      });
    },
  );
}

/** JSON text in which {@link RawNumber}s are written as the numbers they were sent as. */
export function losslessJson(value: unknown): string {
  return (
    stringify(value, null, undefined, [
      { test: (v) => v instanceof RawNumber, stringify: (v) => (v as RawNumber).text },
    ]) ?? 'null'
  );
}
