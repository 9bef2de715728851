import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error that becomes a 4xx with a body naming the offending field. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** The store or another dependency is unreachable: the request may be retried later. */
export class UnavailableError extends HttpError {
  constructor(what: string) {
    super(503, `${what} is unavailable; retry later`, 'service');
  }
}

/** Which part of the request a Fastify framework error is about. */
const FRAMEWORK_ERROR_FIELDS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_TYPE: 'content-type',
  FST_ERR_CTP_EMPTY_TYPE: 'content-type',
  FST_ERR_BAD_URL: 'url',
  FST_ERR_MAX_PARAM_LENGTH: 'url',
  FST_ERR_ASYNC_CONSTRAINT: 'url',
  FST_ERR_NOT_FOUND: 'url',
};

/** Driver errors that mean "the store cannot be reached", as opposed to a bad query. */
const STORE_OUTAGE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** Socket errors a dependency's driver may surface unwrapped when its server goes away. */
const CONNECTION_ERROR_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** FerretDB answering while its PostgreSQL (or SQLite) backend is gone or shutting down. */
const BACKEND_DOWN =
  /failed to connect to|connection refused|SQLSTATE 57P0[1-3]|SQLSTATE 08|terminating connection|database system is (shutting down|starting up|in recovery)|database is locked|closed pool/i;

export function isStoreOutage(error: unknown): boolean {
  let current = error as { name?: string; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.name && STORE_OUTAGE_ERRORS.has(current.name)) return true;
    if (typeof current.code === 'string' && CONNECTION_ERROR_CODES.has(current.code)) return true;
    if (current.name === 'MongoServerError' && BACKEND_DOWN.test(String((current as Error).message)))
      return true;
    current = current.cause as typeof current;
  }
  return false;
}

/** Store error codes for a value it cannot represent (bad value, `$`/`.`/empty keys, too large). */
const UNREPRESENTABLE_CODES = new Set([2, 52, 56, 57, 10334, 17419, 17420]);

function isUnrepresentable(error: unknown): boolean {
  const e = error as { name?: string; code?: unknown };
  return e.name === 'MongoServerError' && UNREPRESENTABLE_CODES.has(e.code as number);
}

export function errorBody(status: number, message: string, field: string) {
  return { error: STATUS_CODES[status] ?? 'Error', message, field };
}

function validationField(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const base = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  const field = [base, extra].filter(Boolean).join('.');
  return field || undefined;
}

function validationMessage(error: FastifyError, where: string, field: string | undefined): string {
  const first = error.validation?.[0];
  const additional = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (additional) return `${where}.${field} is not allowed here`;
  if ((first?.params as { missingProperty?: string } | undefined)?.missingProperty)
    return `${where}.${field} is required`;
  return `${field ? `${where}.${field}` : where} ${first?.message ?? 'is invalid'}`;
}

/** Sends any error in the documented `{ error, message, field }` shape. */
export function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) {
    if (error.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.status(error.statusCode).send({
      ...errorBody(error.statusCode, error.message, error.field ?? 'request'),
      ...error.details,
    });
  }
  if (error.validation) {
    const field = validationField(error);
    const where = error.validationContext ?? 'body';
    const message = validationMessage(error, where, field);
    return reply.status(400).send(errorBody(400, message, field ?? where));
  }
  if (isStoreOutage(error)) {
    request.log.warn({ err: error }, 'store unavailable');
    return sendError(new UnavailableError('The store') as never, request, reply);
  }
  if (isUnrepresentable(error)) {
    // A backstop: services should refuse such input first, naming the path.
    const message = `The request holds a value the store cannot keep: ${error.message}`;
    return reply.status(400).send(errorBody(400, message.slice(0, 500), 'body'));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const field = FRAMEWORK_ERROR_FIELDS[error.code] ?? 'request';
    const message =
      status === 415
        ? `Unsupported content type "${request.headers['content-type'] ?? ''}"; send application/json`
        : error.message;
    return reply.status(status).send(errorBody(status, message, field));
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send(errorBody(500, 'Something went wrong; the request may be retried.', 'request'));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
}

export function notFoundBody(method: string, url: string) {
  return errorBody(404, `No route ${method} ${url.split('?')[0]}`, 'url');
}
